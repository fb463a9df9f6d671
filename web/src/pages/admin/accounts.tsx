/**
 * Accounts and roles: find accounts by email (and role), open one with its
 * profile, sign-in identities, subscriptions and payments; change its roles;
 * refund a succeeded payment. The refund is asynchronous (202: the billing
 * saga sends it to the provider), so the account is polled while one is on its way.
 */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap, type Schemas } from "../../api/client";
import { Loading, ProblemMessage } from "../../components/common";
import { useI18n } from "../../i18n/i18n";
import { Busy, Fact, formatMoney, useDateTime, ScrollArea } from "./shared";

type Role = Schemas["AdminAccountSummary"]["roles"][number];
const allRoles: readonly Role[] = ["listener", "artist", "editor", "admin"];
type Payment = Schemas["AdminAccount"]["payments"][number];

/** A refund still travelling to the provider: worth watching. */
const refundInFlight = (payment: Payment) => payment.refund !== null && payment.refund.status !== "succeeded";

function RolesEditor({ account }: { account: Schemas["AdminAccount"] }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const [roles, setRoles] = useState<Role[] | undefined>(undefined);
  const [revoked, setRevoked] = useState<number | null>(null);
  const chosen = roles ?? account.roles;
  const changed = chosen.length !== account.roles.length || chosen.some((role) => !account.roles.includes(role));
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/admin/accounts/{id}/roles", {
          params: { path: { id: account.id } },
          body: { roles: allRoles.filter((role) => chosen.includes(role)) },
        }),
      ),
    onSuccess: (answer) => {
      setRevoked(answer.sessions_revoked);
      setRoles(undefined);
      void client.invalidateQueries({ queryKey: ["admin", "account", account.id] });
      void client.invalidateQueries({ queryKey: ["admin", "accounts"] });
      void client.invalidateQueries({ queryKey: ["admin", "audit"] });
    },
  });
  return (
    <fieldset>
      <legend>{t("console.roles")}</legend>
      <ProblemMessage error={save.error} />
      <div className="console-actions">
        {allRoles.map((role) => (
          <label key={role} className="console-check">
            <input
              type="checkbox"
              checked={chosen.includes(role)}
              onChange={(event) => {
                setRevoked(null);
                setRoles(event.target.checked ? [...chosen, role] : chosen.filter((item) => item !== role));
              }}
            />
            {t(`console.accountRole.${role}`)}
          </label>
        ))}
      </div>
      <p className="muted">{t("console.rolesHint")}</p>
      <button type="button" className="primary" disabled={!changed || save.isPending} onClick={() => save.mutate()}>
        {t("console.saveRoles")}
      </button>
      {save.isPending ? <Busy label={t("console.working")} /> : null}
      {revoked !== null ? (
        <p role="status" data-testid="roles-saved">
          {t("console.rolesSaved")} {revoked > 0 ? `${t("console.sessionsRevoked")}: ${revoked}` : ""}
        </p>
      ) : null}
    </fieldset>
  );
}

function PaymentRow({ payment, accountId }: { payment: Payment; accountId: string }) {
  const { t, locale } = useI18n();
  const client = useQueryClient();
  const dateTime = useDateTime();
  const [reason, setReason] = useState("");
  const refund = useMutation({
    mutationFn: async () => unwrap(await api.POST("/admin/payments/{id}/refund", { params: { path: { id: payment.id } }, body: { reason: reason.trim() } })),
    onSuccess: () => {
      setReason("");
      void client.invalidateQueries({ queryKey: ["admin", "account", accountId] });
      // The refund ends premium, which the account list shows too.
      void client.invalidateQueries({ queryKey: ["admin", "accounts"] });
      void client.invalidateQueries({ queryKey: ["admin", "audit"] });
    },
  });
  const label = `${formatMoney(payment.amount.amount_minor, payment.amount.currency, locale)} · ${dateTime(payment.created_at)}`;
  return (
    <tr>
      <td>{dateTime(payment.created_at)}</td>
      <td>
        {formatMoney(payment.amount.amount_minor, payment.amount.currency, locale)}
        {payment.received_minor !== null && payment.received_minor !== payment.amount.amount_minor ? (
          <span className="muted">
            {" "}
            ({t("console.received")} {formatMoney(payment.received_minor, payment.amount.currency, locale)})
          </span>
        ) : null}
      </td>
      <td>
        {payment.method} / {payment.provider}
      </td>
      <td>
        {t(`console.paymentStatus.${payment.status}`)}
        {payment.failure ? <span className="muted"> — {payment.failure.message}</span> : null}
      </td>
      <td data-testid="refund-cell">
        {payment.refund ? (
          <span>
            {t(`console.refundStatus.${payment.refund.status}`)} {refundInFlight(payment) ? <Busy label={t("console.refundTravelling")} /> : null}
            {payment.refund.reason ? <span className="muted"> — {payment.refund.reason}</span> : null}
            {payment.refund.last_error ? <span className="warning"> {payment.refund.last_error}</span> : null}
          </span>
        ) : payment.status === "succeeded" ? (
          <div className="console-actions">
            <ProblemMessage error={refund.error} />
            <input
              aria-label={`${t("console.refundReason")}: ${label}`}
              placeholder={t("console.refundReason")}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
            />
            <button type="button" disabled={!reason.trim() || refund.isPending} onClick={() => refund.mutate()} aria-label={`${t("console.refund")}: ${label}`}>
              {t("console.refund")}
            </button>
            {refund.isPending ? <Busy label={t("console.working")} /> : null}
          </div>
        ) : (
          "—"
        )}
      </td>
    </tr>
  );
}

function AccountDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const dateTime = useDateTime();
  const account = useQuery({
    queryKey: ["admin", "account", id],
    queryFn: async () => unwrap(await api.GET("/admin/accounts/{id}", { params: { path: { id } } })),
    // While a refund travels to the provider, its progress shows here without a reload.
    refetchInterval: (query) => (query.state.data?.payments.some(refundInFlight) ? 3_000 : false),
  });
  if (account.isPending) return <Loading />;
  if (!account.data) return <ProblemMessage error={account.error} />;
  const data = account.data;
  return (
    <article className="console-detail" aria-labelledby="console-account-email">
      <h3 id="console-account-email">{data.email}</h3>
      <ProblemMessage error={account.error} />
      <dl className="facts console-facts">
        <Fact term={t("console.accountId")}>
          <code>{data.id}</code>
        </Fact>
        <Fact term={t("console.emailVerified")}>{data.email_verified ? dateTime(data.email_verified_at) || t("console.yes") : t("console.no")}</Fact>
        {data.pending_email ? <Fact term={t("console.pendingEmail")}>{data.pending_email}</Fact> : null}
        <Fact term={t("console.premium")}>
          {data.premium
            ? `${t("console.yes")}${data.profile?.premium_until ? ` (${t("console.until")} ${dateTime(data.profile.premium_until)})` : ""}`
            : t("console.no")}
        </Fact>
        <Fact term={t("console.created")}>{dateTime(data.created_at)}</Fact>
        {data.profile ? (
          <>
            <Fact term={t("console.displayName")}>{data.profile.display_name ?? "—"}</Fact>
            <Fact term={t("console.locale")}>{data.profile.locale}</Fact>
          </>
        ) : null}
        <Fact term={t("console.identities")}>
          {data.identities.map((identity) => `${identity.provider} (${dateTime(identity.last_sign_in_at)})`).join(", ") || "—"}
        </Fact>
      </dl>
      <RolesEditor key={data.roles.join()} account={data} />
      <h4>{t("console.subscriptions")}</h4>
      {data.subscriptions.length === 0 ? (
        <p className="muted">{t("console.none")}</p>
      ) : (
        <ScrollArea label={t("console.subscriptions")}>
          <table className="audit">
            <thead>
              <tr>
                <th scope="col">{t("console.plan")}</th>
                <th scope="col">{t("admin.status")}</th>
                <th scope="col">{t("console.period")}</th>
                <th scope="col">{t("console.failure")}</th>
              </tr>
            </thead>
            <tbody>
              {data.subscriptions.map((subscription) => (
                <tr key={subscription.id}>
                  <td>{subscription.plan}</td>
                  <td>{subscription.state}</td>
                  <td>
                    {dateTime(subscription.period_start)} – {dateTime(subscription.period_end)}
                  </td>
                  <td>{subscription.failure_reason ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollArea>
      )}
      <h4>{t("console.payments")}</h4>
      {data.payments.length === 0 ? (
        <p className="muted">{t("console.none")}</p>
      ) : (
        <ScrollArea label={t("console.payments")}>
          <table className="audit" aria-label={t("console.payments")}>
            <thead>
              <tr>
                <th scope="col">{t("admin.when")}</th>
                <th scope="col">{t("console.amount")}</th>
                <th scope="col">{t("console.method")}</th>
                <th scope="col">{t("admin.status")}</th>
                <th scope="col">{t("console.refund")}</th>
              </tr>
            </thead>
            <tbody>
              {data.payments.map((payment) => (
                <PaymentRow key={payment.id} payment={payment} accountId={data.id} />
              ))}
            </tbody>
          </table>
        </ScrollArea>
      )}
    </article>
  );
}

export function AccountsTab() {
  const { t } = useI18n();
  const [query, setQuery] = useState("");
  const [role, setRole] = useState<Role | "">("");
  const [selected, setSelected] = useState<string | null>(null);
  const q = query.trim();
  const accounts = useInfiniteQuery({
    queryKey: ["admin", "accounts", q, role],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/admin/accounts", {
          params: { query: { limit: 20, ...(q ? { q } : {}), ...(role ? { role } : {}), ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
  const rows = accounts.data?.pages.flatMap((page) => page.accounts) ?? [];
  return (
    <section aria-labelledby="console-accounts">
      <h2 id="console-accounts">{t("console.tab.accounts")}</h2>
      <div className="console-filters">
        <input
          type="search"
          aria-label={t("console.findAccount")}
          placeholder={t("console.findAccount")}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
        <label>
          {t("console.roleFilter")}
          <select value={role} onChange={(event) => setRole(event.target.value as Role | "")}>
            <option value="">{t("console.all")}</option>
            {allRoles.map((option) => (
              <option key={option} value={option}>
                {t(`console.accountRole.${option}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ProblemMessage error={accounts.error} />
      {accounts.isFetching && !accounts.isFetchingNextPage ? <Busy label={t("console.searching")} /> : null}
      {accounts.isSuccess && rows.length === 0 ? <p className="muted">{t("console.nothingFound")}</p> : null}
      <ul className="rows" aria-label={t("console.accountList")}>
        {rows.map((account) => (
          <li key={account.id}>
            <button
              type="button"
              className="console-grow console-left"
              aria-pressed={selected === account.id}
              onClick={() => setSelected(account.id)}
              aria-label={`${t("console.open")}: ${account.email}`}
            >
              {account.email}
            </button>
            <span className="muted">{account.roles.map((item) => t(`console.accountRole.${item}`)).join(", ")}</span>
            {account.premium ? <span className="badge">Premium</span> : null}
          </li>
        ))}
      </ul>
      {accounts.hasNextPage ? (
        <button type="button" onClick={() => void accounts.fetchNextPage()} disabled={accounts.isFetchingNextPage}>
          {t("console.showMore")}
        </button>
      ) : null}
      {selected ? <AccountDetail key={selected} id={selected} /> : null}
    </section>
  );
}
