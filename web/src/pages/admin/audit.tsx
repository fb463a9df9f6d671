/**
 * The audit log: every admin and editor action with who, when, what, before
 * and after. Filters combine (the API ANDs them); older entries come page by
 * page. The compact table also serves the console's front desk.
 */
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap, type Schemas } from "../../api/client";
import type { paths } from "../../api/schema";
import { Loading, ProblemMessage } from "../../components/common";
import { useI18n } from "../../i18n/i18n";
import { Busy, useDateTime, ScrollArea } from "./shared";

type AuditQuery = NonNullable<paths["/admin/audit"]["get"]["parameters"]["query"]>;

interface AuditFilters {
  action: string;
  target_type: string;
  target_id: string;
  actor_id: string;
  since: string;
  until: string;
}

const noFilters: AuditFilters = { action: "", target_type: "", target_id: "", actor_id: "", since: "", until: "" };

/** Only the filled filters, dates as instants (the inputs hold local dates). */
function queryOf(filters: AuditFilters): AuditQuery {
  const query: AuditQuery = {};
  if (filters.action.trim()) query.action = filters.action.trim();
  if (filters.target_type.trim()) query.target_type = filters.target_type.trim();
  if (filters.target_id.trim()) query.target_id = filters.target_id.trim();
  if (filters.actor_id.trim()) query.actor_id = filters.actor_id.trim();
  if (filters.since) query.since = new Date(`${filters.since}T00:00:00`).toISOString();
  // "until" a day includes that day.
  if (filters.until) query.until = new Date(new Date(`${filters.until}T00:00:00`).getTime() + 86_400_000).toISOString();
  return query;
}

/** The actions the API records today, offered as the action filter's suggestions (any text still filters). */
const knownActions = [
  "account.roles.set",
  "album.cover",
  "album.restore",
  "album.takedown",
  "album.update",
  "artist.create",
  "artist.manager.add",
  "artist.manager.remove",
  "artist.merge",
  "artist.update",
  "artist_application.approve",
  "artist_application.reject",
  "dead_letter.replay",
  "payment.refund",
  "role.grant",
  "track.restore",
  "track.takedown",
  "track.update",
] as const;

const json = (value: unknown) => (value === undefined || value === null ? "" : JSON.stringify(value, null, 2));

export function AuditTable({ entries, detailed }: { entries: Schemas["AuditEntry"][]; detailed: boolean }) {
  const { t } = useI18n();
  const dateTime = useDateTime();
  return (
    <ScrollArea label={t("admin.audit")}>
      <table className="audit">
        <thead>
          <tr>
            <th scope="col">{t("admin.when")}</th>
            <th scope="col">{t("admin.action")}</th>
            <th scope="col">{t("admin.target")}</th>
            <th scope="col">{t("admin.reason")}</th>
            {detailed ? <th scope="col">{t("console.actor")}</th> : null}
            {detailed ? <th scope="col">{t("console.change")}</th> : null}
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id}>
              <td>{dateTime(entry.at)}</td>
              <td>{entry.action}</td>
              <td>
                {entry.target_type} <code title={entry.target_id}>{entry.target_id.slice(0, 8)}</code>
              </td>
              <td>{entry.reason ?? ""}</td>
              {detailed ? (
                <td>
                  {entry.actor_id ? <code title={entry.actor_id}>{entry.actor_id.slice(0, 8)}</code> : t("console.cli")}{" "}
                  <span className="muted">{entry.actor_roles.join(", ")}</span>
                </td>
              ) : null}
              {detailed ? (
                <td>
                  {entry.before !== undefined || entry.after !== undefined ? (
                    <details>
                      <summary>{t("console.beforeAfter")}</summary>
                      <div className="console-diff">
                        <div>
                          <strong>{t("console.before")}</strong>
                          <pre className="console-pre">{json(entry.before)}</pre>
                        </div>
                        <div>
                          <strong>{t("console.after")}</strong>
                          <pre className="console-pre">{json(entry.after)}</pre>
                        </div>
                      </div>
                    </details>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollArea>
  );
}

export function AuditTab() {
  const { t } = useI18n();
  const [draft, setDraft] = useState<AuditFilters>(noFilters);
  const [applied, setApplied] = useState<AuditFilters>(noFilters);
  const audit = useInfiniteQuery({
    queryKey: ["admin", "audit", "log", applied],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET("/admin/audit", { params: { query: { limit: 50, ...queryOf(applied), ...(pageParam ? { before: pageParam } : {}) } } })),
    getNextPageParam: (page) => page.next_before ?? undefined,
  });
  const field = (key: keyof AuditFilters, label: string, type = "text", suggestions?: string) => (
    <label>
      {label}
      <input type={type} list={suggestions} value={draft[key]} onChange={(event) => setDraft({ ...draft, [key]: event.target.value })} />
    </label>
  );
  const entries = audit.data?.pages.flatMap((page) => page.entries) ?? [];
  return (
    <section aria-labelledby="console-audit">
      <h2 id="console-audit">{t("admin.audit")}</h2>
      <form
        className="console-filters"
        aria-label={t("console.auditFilters")}
        onSubmit={(event) => {
          event.preventDefault();
          setApplied(draft);
        }}
      >
        {field("action", t("console.filterAction"), "text", "console-audit-actions")}
        <datalist id="console-audit-actions">
          {knownActions.map((action) => (
            <option key={action} value={action} />
          ))}
        </datalist>
        {field("target_type", t("console.filterTargetType"))}
        {field("target_id", t("console.filterTargetId"))}
        {field("actor_id", t("console.filterActor"))}
        {field("since", t("console.filterSince"), "date")}
        {field("until", t("console.filterUntil"), "date")}
        <button type="submit" className="primary">
          {t("console.applyFilters")}
        </button>
        <button
          type="button"
          onClick={() => {
            setDraft(noFilters);
            setApplied(noFilters);
          }}
        >
          {t("console.clearFilters")}
        </button>
      </form>
      <ProblemMessage error={audit.error} />
      {audit.isPending ? <Loading /> : entries.length === 0 ? <p className="muted">{t("console.noEntries")}</p> : <AuditTable entries={entries} detailed />}
      {audit.isFetchingNextPage ? <Busy label={t("console.loadingMore")} /> : null}
      {audit.hasNextPage ? (
        <button type="button" onClick={() => void audit.fetchNextPage()} disabled={audit.isFetchingNextPage}>
          {t("console.olderEntries")}
        </button>
      ) : null}
    </section>
  );
}
