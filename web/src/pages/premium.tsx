/**
 * Premium: choose a plan and a way to pay (SBP through the bank app or a QR
 * code, or USDT TRC-20), pay, and watch the subscription turn on: the page
 * follows GET /subscription and, once it is active, refreshes the access token
 * so the premium claim (no ads, high quality) takes effect at once.
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { Link } from "react-router";
import { renderSVG } from "uqr";
import { api, unwrap, type Schemas } from "../api/client";
import { useSession } from "../auth/session";
import { Page, ProblemMessage } from "../components/common";
import { useI18n } from "../i18n/i18n";

function money(amount: { amount_minor: number; currency: "RUB" | "USDT" }, locale: string): string {
  const units = amount.currency === "RUB" ? amount.amount_minor / 100 : amount.amount_minor / 1_000_000;
  return amount.currency === "RUB" ? new Intl.NumberFormat(locale, { style: "currency", currency: "RUB" }).format(units) : `${units} USDT`;
}

function Instructions({ order }: { order: Schemas["SubscribeAnswer"] }) {
  const { t, locale } = useI18n();
  const instructions = order.instructions;
  const qr = useMemo(
    () => (instructions.kind === "sbp_qr" ? `data:image/svg+xml;utf8,${encodeURIComponent(renderSVG(instructions.qr_payload))}` : null),
    [instructions],
  );
  return (
    <div className="payment" data-testid="payment">
      <p>
        {t("premium.pay")} {money(order.amount, locale)}
      </p>
      {instructions.kind === "sbp_qr" ? (
        <>
          {qr ? <img src={qr} alt={t("premium.qr")} width={200} height={200} /> : null}
          <p>
            <a href={instructions.confirmation_url} target="_blank" rel="noreferrer noopener">
              {t("premium.openBank")}
            </a>
          </p>
        </>
      ) : (
        <p>
          {t("premium.sendUsdt")} <code data-testid="usdt-address">{instructions.address}</code>
        </p>
      )}
      <p className="muted" role="status">
        {t("premium.waiting")}
      </p>
    </div>
  );
}

export function PremiumPage() {
  const { t } = useI18n();
  const { viewer, refresh } = useSession();
  const [plan, setPlan] = useState<"monthly" | "yearly">("monthly");
  const [method, setMethod] = useState<"sbp" | "usdt">("sbp");
  const subscribe = useMutation({
    mutationFn: async () => unwrap(await api.POST("/subscribe", { params: { header: { "idempotency-key": crypto.randomUUID() } }, body: { plan, method } })),
  });
  const waitingForClaim = (active: boolean) => active && viewer !== null && viewer !== undefined && !viewer.isPremium;
  const subscription = useQuery({
    queryKey: ["subscription"],
    enabled: Boolean(viewer),
    queryFn: async () => unwrap(await api.GET("/subscription")),
    // Polled until the subscription is active and the access token says premium.
    refetchInterval: (query) => (subscribe.isSuccess && (query.state.data?.state !== "active" || waitingForClaim(true)) ? 2_000 : false),
  });
  const active = subscription.data?.state === "active";
  const needsClaim = waitingForClaim(active);
  useEffect(() => {
    // The premium claim lives in the access token: ask for one that carries it once per poll, not
    // on every new viewer, since the claim may trail the subscription by a few events and
    // /auth/refresh is rate-limited.
    if (needsClaim && subscription.dataUpdatedAt > 0) void refresh();
  }, [needsClaim, subscription.dataUpdatedAt, refresh]);

  if (!viewer)
    return (
      <Page title="Premium">
        <Link to="/signin">{t("nav.signIn")}</Link>
      </Page>
    );
  return (
    <Page title="Premium">
      <p>{t("premium.pitch")}</p>
      <ProblemMessage error={subscribe.error ?? subscription.error} />
      {active ? (
        <p role="status" data-testid="premium-active">
          {t("premium.active")} {subscription.data?.premium_until ? new Date(subscription.data.premium_until).toLocaleDateString() : ""}
        </p>
      ) : subscribe.data ? (
        <Instructions order={subscribe.data} />
      ) : (
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            subscribe.mutate();
          }}
        >
          <fieldset>
            <legend>{t("premium.plan")}</legend>
            <label>
              <input type="radio" name="plan" checked={plan === "monthly"} onChange={() => setPlan("monthly")} /> {t("premium.monthly")}
            </label>
            <label>
              <input type="radio" name="plan" checked={plan === "yearly"} onChange={() => setPlan("yearly")} /> {t("premium.yearly")}
            </label>
          </fieldset>
          <fieldset>
            <legend>{t("premium.method")}</legend>
            <label>
              <input type="radio" name="method" checked={method === "sbp"} onChange={() => setMethod("sbp")} /> {t("premium.sbp")}
            </label>
            <label>
              <input type="radio" name="method" checked={method === "usdt"} onChange={() => setMethod("usdt")} /> USDT (TRC-20)
            </label>
          </fieldset>
          <button type="submit" className="primary" disabled={subscribe.isPending}>
            {t("premium.subscribe")}
          </button>
        </form>
      )}
    </Page>
  );
}
