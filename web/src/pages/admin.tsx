/**
 * The admin console: a front desk (artist applications, a quick track fix,
 * the latest audit entries) and one tab per area — upload moderation, the
 * catalog editor, accounts and roles, ad campaigns, the event backbone and the
 * audit log — each at its own URL under /admin, so a tab survives a reload and
 * can be linked. Roles are checked by the API; the console only hides what the
 * viewer cannot use (editors curate the catalog; everything else is admins').
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactElement } from "react";
import { Link, Navigate, NavLink, Route, Routes } from "react-router";
import { api, unwrap } from "../api/client";
import { useSession } from "../auth/session";
import { Loading, Page, ProblemMessage } from "../components/common";
import { useI18n } from "../i18n/i18n";
import type { MessageKey } from "../i18n/messages";
import { AccountsTab } from "./admin/accounts";
import { AdsTab } from "./admin/ads";
import { AuditTab, AuditTable } from "./admin/audit";
import { BackboneTab } from "./admin/backbone";
import { CatalogTab } from "./admin/catalog";
import { TrackFinder } from "./admin/catalog-tracks";
import { Busy, RecentArtistsProvider } from "./admin/shared";
import { UploadsTab } from "./admin/uploads";

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
            <button type="button" className="primary" disabled={decide.isPending} onClick={() => decide.mutate({ id: application.id, approve: true })} aria-label={`${t("admin.approve")}: ${application.artist_name}`}>
              {t("admin.approve")}
            </button>
            <input aria-label={`${t("admin.reason")}: ${application.artist_name}`} placeholder={t("admin.reason")} value={reasons[application.id] ?? ""} onChange={(event) => setReasons({ ...reasons, [application.id]: event.target.value })} />
            <button type="button" disabled={!reasons[application.id] || decide.isPending} onClick={() => decide.mutate({ id: application.id, approve: false })} aria-label={`${t("admin.reject")}: ${application.artist_name}`}>
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
  const audit = useQuery({ queryKey: ["admin", "audit"], queryFn: async () => unwrap(await api.GET("/admin/audit", { params: { query: { limit: 20 } } })).entries });
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

/** The front desk: what needs a decision now, and the quickest fix of a track. */
function Desk({ admin }: { admin: boolean }) {
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

interface Tab {
  path: string;
  label: MessageKey;
  adminOnly: boolean;
}

const tabs: readonly Tab[] = [
  { path: "/admin", label: "console.tab.desk", adminOnly: false },
  { path: "/admin/uploads", label: "console.tab.uploads", adminOnly: true },
  { path: "/admin/catalog", label: "console.tab.catalog", adminOnly: false },
  { path: "/admin/accounts", label: "console.tab.accounts", adminOnly: true },
  { path: "/admin/ads", label: "console.tab.ads", adminOnly: true },
  { path: "/admin/backbone", label: "console.tab.backbone", adminOnly: true },
  { path: "/admin/audit", label: "admin.audit", adminOnly: true },
];

export function AdminPage() {
  const { t } = useI18n();
  const { viewer } = useSession();
  if (!viewer) return <Loading />;
  const admin = viewer.roles.includes("admin");
  const curator = admin || viewer.roles.includes("editor");
  if (!curator)
    return (
      <Page title={t("admin.title")}>
        <p>{t("admin.forbidden")}</p>
      </Page>
    );
  const onlyAdmins = (element: ReactElement) => (admin ? element : <Navigate to="/admin" replace />);
  return (
    <Page title={t("admin.title")}>
      <nav className="console-tabs" aria-label={t("console.sections")}>
        {tabs
          .filter((tab) => admin || !tab.adminOnly)
          .map((tab) => (
            <NavLink key={tab.path} to={tab.path} end={tab.path === "/admin"}>
              {t(tab.label)}
            </NavLink>
          ))}
      </nav>
      <RecentArtistsProvider>
        <Routes>
          <Route index element={<Desk admin={admin} />} />
          <Route path="uploads" element={onlyAdmins(<UploadsTab />)} />
          <Route path="catalog/*" element={<CatalogTab admin={admin} />} />
          <Route path="accounts" element={onlyAdmins(<AccountsTab />)} />
          <Route path="ads" element={onlyAdmins(<AdsTab />)} />
          <Route path="backbone" element={onlyAdmins(<BackboneTab />)} />
          <Route path="audit" element={onlyAdmins(<AuditTab />)} />
          <Route path="*" element={<Navigate to="/admin" replace />} />
        </Routes>
      </RecentArtistsProvider>
    </Page>
  );
}
