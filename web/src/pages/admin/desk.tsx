/**
 * The console's front desk: artist applications waiting for a decision, the
 * quickest fix of a track (title, credits, takedown) and the latest audit entries.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { api, unwrap } from "../../api/client";
import { Loading, ProblemMessage } from "../../components/common";
import { useI18n } from "../../i18n/i18n";
import { AuditTable } from "./audit";
import { TrackFinder } from "./catalog-tracks";
import { Busy } from "./shared";

function Applications() {
  const { t } = useI18n();
  const client = useQueryClient();
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const pending = useQuery({
    queryKey: ["admin", "applications"],
    queryFn: async () => unwrap(await api.GET("/admin/artist-applications", { params: { query: { status: "pending", limit: 50 } } })).applications,
  });
  const decide = useMutation({
    mutationFn: async ({ id, approve }: { id: string; approve: boolean }) =>
      approve
        ? unwrap(await api.POST("/admin/artist-applications/{id}/approve", { params: { path: { id } } }))
        : unwrap(await api.POST("/admin/artist-applications/{id}/reject", { params: { path: { id } }, body: { reason: reasons[id] ?? "" } })),
    onSettled: () => client.invalidateQueries({ queryKey: ["admin"] }),
  });
  return (
    <section aria-labelledby="applications">
      <h2 id="applications">{t("admin.applications")}</h2>
      <ProblemMessage error={pending.error ?? decide.error} />
      {pending.isPending ? <Loading /> : pending.data?.length === 0 ? <p className="muted">{t("admin.noApplications")}</p> : null}
      {decide.isPending ? <Busy label={t("console.working")} /> : null}
      <ul className="rows" aria-label={t("admin.applications")}>
        {pending.data?.map((application) => (
          <li key={application.id}>
            <strong>{application.artist_name}</strong>
            {application.claim_artist_id ? (
              <span className="muted">
                {t("console.claims")} <Link to={`/artists/${application.claim_artist_id}`}>{application.claim_artist_id.slice(0, 8)}</Link>
              </span>
            ) : null}
            {application.links.map((link) => (
              <a key={link} href={link} rel="noreferrer noopener" target="_blank">
                {link}
              </a>
            ))}
            <button
              type="button"
              className="primary"
              disabled={decide.isPending}
              onClick={() => decide.mutate({ id: application.id, approve: true })}
              aria-label={`${t("admin.approve")}: ${application.artist_name}`}
            >
              {t("admin.approve")}
            </button>
            <input
              aria-label={`${t("admin.reason")}: ${application.artist_name}`}
              placeholder={t("admin.reason")}
              value={reasons[application.id] ?? ""}
              onChange={(event) => setReasons({ ...reasons, [application.id]: event.target.value })}
            />
            <button
              type="button"
              disabled={!reasons[application.id] || decide.isPending}
              onClick={() => decide.mutate({ id: application.id, approve: false })}
              aria-label={`${t("admin.reject")}: ${application.artist_name}`}
            >
              {t("admin.reject")}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function RecentAudit() {
  const { t } = useI18n();
  const audit = useQuery({
    queryKey: ["admin", "audit"],
    queryFn: async () => unwrap(await api.GET("/admin/audit", { params: { query: { limit: 20 } } })).entries,
  });
  return (
    <section aria-labelledby="audit">
      <h2 id="audit">{t("console.recentAudit")}</h2>
      <ProblemMessage error={audit.error} />
      {audit.isPending ? <Loading /> : <AuditTable entries={audit.data ?? []} detailed={false} />}
      <p>
        <Link to="/admin/audit">{t("console.wholeAudit")}</Link>
      </p>
    </section>
  );
}

export function Desk({ admin }: { admin: boolean }) {
  const { t } = useI18n();
  return (
    <>
      {admin ? <Applications /> : null}
      <section aria-labelledby="catalog">
        <h2 id="catalog">{t("console.quickFix")}</h2>
        <TrackFinder />
      </section>
      {admin ? <RecentAudit /> : null}
    </>
  );
}
