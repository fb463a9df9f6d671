/**
 * The admin console: artist applications, the catalog editor (correct a
 * track's title, take it down, restore it) and the audit log. Roles are
 * checked by the API; the page only hides what the viewer cannot use.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { useSession } from "../auth/session";
import { Loading, Page, ProblemMessage } from "../components/common";
import { useI18n } from "../i18n/i18n";

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
      <ul className="rows" aria-label={t("admin.applications")}>
        {pending.data?.map((application) => (
          <li key={application.id}>
            <strong>{application.artist_name}</strong>
            {application.links.map((link) => (
              <a key={link} href={link} rel="noreferrer noopener" target="_blank">
                {link}
              </a>
            ))}
            <button type="button" className="primary" onClick={() => decide.mutate({ id: application.id, approve: true })} aria-label={`${t("admin.approve")}: ${application.artist_name}`}>
              {t("admin.approve")}
            </button>
            <input aria-label={`${t("admin.reason")}: ${application.artist_name}`} placeholder={t("admin.reason")} value={reasons[application.id] ?? ""} onChange={(event) => setReasons({ ...reasons, [application.id]: event.target.value })} />
            <button type="button" disabled={!reasons[application.id]} onClick={() => decide.mutate({ id: application.id, approve: false })}>
              {t("admin.reject")}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

type Curated = Schemas["CuratedTrack"];

function TrackEditor({ id }: { id: string }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const track = useQuery({ queryKey: ["admin", "track", id], queryFn: async () => unwrap(await api.GET("/tracks/{id}", { params: { path: { id } } })) });
  const [title, setTitle] = useState<string | undefined>(undefined);
  const [reason, setReason] = useState("");
  const [state, setState] = useState<Curated | undefined>(undefined);
  const act = useMutation({
    mutationFn: async (action: "save" | "takedown" | "restore") => {
      const path = { path: { id } };
      if (action === "save") return unwrap(await api.PATCH("/admin/tracks/{id}", { params: path, body: { title: title ?? "" } }));
      if (action === "takedown") return unwrap(await api.POST("/admin/tracks/{id}/takedown", { params: path, body: { reason } }));
      return unwrap(await api.POST("/admin/tracks/{id}/restore", { params: path }));
    },
    onSuccess: (curated) => {
      setState(curated);
      void client.invalidateQueries({ queryKey: ["admin", "audit"] });
    },
  });
  const current = state?.title ?? track.data?.title ?? "";
  const status = state?.status ?? (track.data ? "published" : undefined);
  return (
    <div className="editor" aria-label={t("admin.editor")}>
      <ProblemMessage error={act.error} />
      <label>
        {t("admin.title.field")}
        <input value={title ?? current} onChange={(event) => setTitle(event.target.value)} />
      </label>
      <button type="button" className="primary" onClick={() => act.mutate("save")} disabled={title === undefined || title === current}>
        {t("admin.save")}
      </button>
      <p data-testid="track-status">
        {t("admin.status")}: {status}
      </p>
      {status === "published" ? (
        <>
          <input aria-label={t("admin.takedownReason")} placeholder={t("admin.takedownReason")} value={reason} onChange={(event) => setReason(event.target.value)} />
          <button type="button" disabled={!reason} onClick={() => act.mutate("takedown")}>
            {t("admin.takedown")}
          </button>
        </>
      ) : status === "taken_down" ? (
        <button type="button" onClick={() => act.mutate("restore")}>
          {t("admin.restore")}
        </button>
      ) : null}
    </div>
  );
}

function CatalogEditor() {
  const { t } = useI18n();
  const [q, setQ] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const found = useQuery({
    queryKey: ["admin", "search", q],
    enabled: q.trim().length > 0,
    queryFn: async () => unwrap(await api.GET("/search", { params: { query: { q, type: "track", limit: 10 } } })).items,
  });
  return (
    <section aria-labelledby="catalog">
      <h2 id="catalog">{t("admin.catalog")}</h2>
      <input type="search" aria-label={t("admin.findTrack")} placeholder={t("admin.findTrack")} value={q} onChange={(event) => setQ(event.target.value)} />
      <ul className="rows">
        {found.data?.map((item) => (
          <li key={item.id}>
            <button type="button" onClick={() => setSelected(item.id)} aria-pressed={selected === item.id}>
              {"title" in item ? item.title : ""}
            </button>
          </li>
        ))}
      </ul>
      {selected ? <TrackEditor key={selected} id={selected} /> : null}
    </section>
  );
}

function AuditLog() {
  const { t } = useI18n();
  const audit = useQuery({ queryKey: ["admin", "audit"], queryFn: async () => unwrap(await api.GET("/admin/audit", { params: { query: { limit: 20 } } })).entries });
  return (
    <section aria-labelledby="audit">
      <h2 id="audit">{t("admin.audit")}</h2>
      <ProblemMessage error={audit.error} />
      <table className="audit">
        <thead>
          <tr>
            <th scope="col">{t("admin.when")}</th>
            <th scope="col">{t("admin.action")}</th>
            <th scope="col">{t("admin.target")}</th>
            <th scope="col">{t("admin.reason")}</th>
          </tr>
        </thead>
        <tbody>
          {audit.data?.map((entry) => (
            <tr key={entry.id}>
              <td>{new Date(entry.at).toLocaleString()}</td>
              <td>{entry.action}</td>
              <td>
                {entry.target_type} {entry.target_id.slice(0, 8)}
              </td>
              <td>{entry.reason ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function AdminPage() {
  const { t } = useI18n();
  const { viewer } = useSession();
  if (!viewer) return <Loading />;
  const admin = viewer.roles.includes("admin");
  const curator = admin || viewer.roles.includes("editor");
  if (!curator) return <Page title={t("admin.title")}><p>{t("admin.forbidden")}</p></Page>;
  return (
    <Page title={t("admin.title")}>
      {admin ? <Applications /> : null}
      <CatalogEditor />
      {admin ? <AuditLog /> : null}
    </Page>
  );
}
