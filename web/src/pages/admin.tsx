/**
 * The admin console: a front desk (artist applications, a quick track fix,
 * the latest audit entries) and one tab per area — upload moderation, the
 * catalog editor, accounts and roles, ad campaigns, the event backbone and the
 * audit log — each at its own URL under /admin, so a tab survives a reload and
 * can be linked. Roles are checked by the API; the console only hides what the
 * viewer cannot use (editors curate the catalog; everything else is admins').
 */
import { lazy, Suspense, type ReactElement } from "react";
import { Navigate, NavLink, Route, Routes } from "react-router";
import { useSession } from "../auth/session";
import { Loading, Page } from "../components/common";
import { useI18n } from "../i18n/i18n";
import type { MessageKey } from "../i18n/messages";
import { RecentArtistsProvider } from "./admin/shared";

// Each tab is its own chunk: listeners never download the console, and an admin only the tabs they open.
const Desk = lazy(async () => ({ default: (await import("./admin/desk")).Desk }));
const UploadsTab = lazy(async () => ({ default: (await import("./admin/uploads")).UploadsTab }));
const CatalogTab = lazy(async () => ({ default: (await import("./admin/catalog")).CatalogTab }));
const AccountsTab = lazy(async () => ({ default: (await import("./admin/accounts")).AccountsTab }));
const AdsTab = lazy(async () => ({ default: (await import("./admin/ads")).AdsTab }));
const BackboneTab = lazy(async () => ({ default: (await import("./admin/backbone")).BackboneTab }));
const AuditTab = lazy(async () => ({ default: (await import("./admin/audit")).AuditTab }));

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
        <Suspense fallback={<Loading />}>
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
        </Suspense>
      </RecentArtistsProvider>
    </Page>
  );
}
