/**
 * The artist studio: apply to become an artist; once approved, upload tracks
 * straight to the bucket (each file its own upload, several at once) with a
 * real progress bar, then follow each through validation and transcoding to
 * published, or read why it was refused.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { api, ProblemError, unwrap, type Schemas } from "../api/client";
import { useSession } from "../auth/session";
import { Loading, Page, ProblemMessage } from "../components/common";
import { useI18n } from "../i18n/i18n";
import { TrackFigures } from "./studio-figures";

type Instructions = Schemas["UploadInstructions"];

/** PUT with upload progress (fetch cannot report it); resolves with the ETag the bucket answered. */
function put(url: string, body: Blob, headers: Record<string, string>, onProgress: (sent: number) => void): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("PUT", url);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => onProgress(event.loaded);
    request.onload = () =>
      request.status >= 200 && request.status < 300 ? resolve(request.getResponseHeader("etag")) : reject(new Error(`the upload answered ${request.status}`));
    request.onerror = () => reject(new Error("the upload failed (network)"));
    request.send(body);
  });
}

type Resumed = Schemas["ResumedUpload"];

/**
 * Sends the file as the API instructed: one PUT, or the multipart parts in
 * order. A part that fails twice (a dropped connection, an expired URL) asks
 * the API to resume: fresh URLs, and the parts already stored are skipped.
 */
async function sendFile(
  file: File,
  instructions: Instructions,
  onProgress: (sent: number) => void,
  resume: () => Promise<Resumed>,
): Promise<{ part_number: number; etag: string }[] | undefined> {
  if (instructions.method === "PUT") {
    await put(instructions.url, file, instructions.headers, onProgress).catch(async () => {
      const fresh = (await resume()).upload;
      if (fresh.method !== "PUT") throw new Error("the upload changed its method");
      return put(fresh.url, file, fresh.headers, onProgress);
    });
    return undefined;
  }
  let plan = instructions;
  const done = new Map<number, string>();
  for (let resumes = 0; ; resumes++) {
    try {
      for (const part of plan.parts) {
        if (done.has(part.part_number)) continue;
        const base = (part.part_number - 1) * plan.part_size;
        const slice = file.slice(base, base + part.size);
        const attempt = () => put(part.url, slice, {}, (sent) => onProgress(base + sent));
        const etag = await attempt().catch(attempt);
        if (!etag) throw new Error(`part ${part.part_number} returned no ETag`);
        done.set(part.part_number, etag);
      }
      return [...done].map(([part_number, etag]) => ({ part_number, etag }));
    } catch (error) {
      if (resumes >= 3) throw error;
      const resumed = await resume();
      if (resumed.upload.method !== "MULTIPART") throw error;
      plan = resumed.upload;
      for (const part of resumed.uploaded_parts) done.set(part.part_number, part.etag);
    }
  }
}

interface Metadata {
  title: string;
  explicit: boolean;
  /** Comma-separated, as typed. */
  genres: string;
  language: string;
  releaseId: string;
}

interface UploadItem {
  key: string;
  file: File;
  sent: number;
  meta: Metadata;
  uploadId?: string;
  status?: Schemas["UploadStatus"]["status"] | "sending";
  rejection?: string;
  trackId?: string;
  error?: unknown;
}

type Release = Schemas["ReleaseSummary"];

/** The metadata an artist may set before the upload starts (the title from the file name to begin with). */
function MetadataFields({ item, releases, onChange }: { item: UploadItem; releases: Release[]; onChange: (meta: Partial<Metadata>) => void }) {
  const { t } = useI18n();
  const name = item.file.name;
  return (
    <div className="meta-fields">
      <label>
        {t("studio.field.title")}
        <input
          aria-label={`${t("studio.field.title")}: ${name}`}
          maxLength={500}
          value={item.meta.title}
          onChange={(event) => onChange({ title: event.target.value })}
        />
      </label>
      <label>
        {t("studio.field.genres")}
        <input
          aria-label={`${t("studio.field.genres")}: ${name}`}
          placeholder="rock, post-punk"
          value={item.meta.genres}
          onChange={(event) => onChange({ genres: event.target.value })}
        />
      </label>
      <label>
        {t("studio.field.language")}
        <input
          aria-label={`${t("studio.field.language")}: ${name}`}
          placeholder="ru"
          maxLength={3}
          value={item.meta.language}
          onChange={(event) => onChange({ language: event.target.value.toLowerCase() })}
        />
      </label>
      {releases.length ? (
        <label>
          {t("studio.field.release")}
          <select
            aria-label={`${t("studio.field.release")}: ${name}`}
            value={item.meta.releaseId}
            onChange={(event) => onChange({ releaseId: event.target.value })}
          >
            <option value="">{t("studio.field.noRelease")}</option>
            {releases.map((release) => (
              <option key={release.id} value={release.id}>
                {release.title} ({release.artist.name})
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label className="check">
        <input type="checkbox" checked={item.meta.explicit} onChange={(event) => onChange({ explicit: event.target.checked })} />
        {t("studio.field.explicit")}
      </label>
    </div>
  );
}

function UploadRow({
  item,
  releases,
  onChange,
  onStart,
}: {
  item: UploadItem;
  releases: Release[];
  onChange: (meta: Partial<Metadata>) => void;
  onStart: () => void;
}) {
  const { t } = useI18n();
  const percent = Math.round((item.sent / Math.max(1, item.file.size)) * 100);
  return (
    <li className="upload" data-status={item.status ?? "new"}>
      <strong>{item.status ? item.meta.title : item.file.name}</strong>
      <progress max={item.file.size} value={item.sent} aria-label={`${t("studio.progress")} ${item.file.name}`}>
        {percent}%
      </progress>
      <span className="muted">{item.status ? t(`studio.state.${item.status}` as const) : ""}</span>
      {item.status === undefined ? (
        <>
          <MetadataFields item={item} releases={releases} onChange={onChange} />
          <button type="button" className="primary" disabled={!item.meta.title.trim()} onClick={onStart}>
            {t("studio.start")}
          </button>
        </>
      ) : null}
      {item.status === "published" && item.trackId ? <Link to={`/tracks/${item.trackId}`}>{t("studio.open")}</Link> : null}
      {item.rejection ? <span className="warning">{item.rejection}</span> : null}
      <ProblemMessage error={item.error} />
    </li>
  );
}

function Uploader() {
  const { t } = useI18n();
  const client = useQueryClient();
  const [items, setItems] = useState<UploadItem[]>([]);
  const releases = useQuery({
    queryKey: ["my-releases"],
    queryFn: async () => unwrap(await api.GET("/me/releases", { params: { query: { limit: 100 } } })).items,
  });
  const update = (key: string, change: Partial<UploadItem>) => setItems((current) => current.map((item) => (item.key === key ? { ...item, ...change } : item)));

  async function upload(item: UploadItem) {
    const { meta } = item;
    try {
      update(item.key, { status: "sending", error: undefined });
      const genres = meta.genres
        .split(",")
        .map((genre) => genre.trim())
        .filter(Boolean)
        .slice(0, 10);
      const created = unwrap(
        await api.POST("/tracks", {
          body: {
            title: meta.title.trim(),
            content_type: item.file.type || "audio/mpeg",
            size_bytes: item.file.size,
            filename: item.file.name,
            explicit: meta.explicit,
            genres,
            featured_artist_ids: [],
            ...(meta.language ? { language: meta.language } : {}),
            ...(meta.releaseId ? { release_id: meta.releaseId } : {}),
          },
        }),
      );
      update(item.key, { uploadId: created.upload_id, trackId: created.track_id });
      const resume = async () => unwrap(await api.POST("/uploads/{id}/resume", { params: { path: { id: created.upload_id } } }));
      const parts = await sendFile(item.file, created.upload, (sent) => update(item.key, { sent }), resume);
      update(item.key, { sent: item.file.size });
      unwrap(await api.POST("/uploads/{id}/complete", { params: { path: { id: created.upload_id } }, body: parts ? { parts } : {} }));
      for (;;) {
        const state = unwrap(await api.GET("/uploads/{id}", { params: { path: { id: created.upload_id } } }));
        update(item.key, { status: state.status, ...(state.rejection ? { rejection: state.rejection.message } : {}) });
        if (state.status === "published") await client.invalidateQueries({ queryKey: ["my-track-stats"] });
        if (state.status === "published" || state.status === "rejected") return;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    } catch (error) {
      // A refused creation (bad metadata) can be corrected and started again; a failure later cannot.
      update(item.key, { error: error instanceof ProblemError ? error : { title: String(error) }, ...(item.uploadId ? {} : { status: undefined }) });
    }
  }

  const waiting = items.filter((item) => item.status === undefined && item.meta.title.trim());
  return (
    <>
      <label className="file">
        {t("studio.choose")}
        <input
          type="file"
          accept="audio/*"
          multiple
          onChange={(event) => {
            const chosen = [...(event.target.files ?? [])].map((file) => ({
              key: crypto.randomUUID(),
              file,
              sent: 0,
              meta: { title: file.name.replace(/\.[^.]+$/, "").slice(0, 200) || file.name, explicit: false, genres: "", language: "", releaseId: "" },
            }));
            setItems((current) => [...chosen, ...current]);
            event.target.value = "";
          }}
        />
      </label>
      {waiting.length > 1 ? (
        <button type="button" className="primary" onClick={() => waiting.forEach((item) => void upload(item))}>
          {t("studio.startAll")} ({waiting.length})
        </button>
      ) : null}
      <ProblemMessage error={releases.error} />
      <ul className="uploads" aria-label={t("studio.uploads")}>
        {items.map((item) => (
          <UploadRow
            key={item.key}
            item={item}
            releases={releases.data ?? []}
            onChange={(meta) =>
              setItems((current) => current.map((other) => (other.key === item.key ? { ...other, meta: { ...other.meta, ...meta } } : other)))
            }
            onStart={() => void upload(item)}
          />
        ))}
      </ul>
      <TrackFigures />
    </>
  );
}

function Apply() {
  const { t } = useI18n();
  const client = useQueryClient();
  const [name, setName] = useState("");
  const application = useQuery({
    queryKey: ["my-application"],
    queryFn: async () => {
      const result = await api.GET("/me/artist-application");
      return result.response.status === 404 ? null : unwrap(result);
    },
  });
  const submit = useMutation({
    mutationFn: async () => unwrap(await api.POST("/me/artist-application", { body: { artist_name: name, links: [] } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["my-application"] }),
  });
  if (application.isPending) return <Loading />;
  const current = application.data;
  return (
    <>
      {current ? (
        <p role="status" data-testid="application-status">
          {t(`studio.application.${current.status}`)} «{current.artist_name}»{current.reason ? `: ${current.reason}` : ""}
        </p>
      ) : null}
      {!current || current.status === "rejected" ? (
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            submit.mutate();
          }}
        >
          <label>
            {t("studio.artistName")}
            <input required maxLength={200} value={name} onChange={(event) => setName(event.target.value)} />
          </label>
          <ProblemMessage error={submit.error} />
          <button type="submit" className="primary" disabled={submit.isPending}>
            {t("studio.apply")}
          </button>
        </form>
      ) : null}
    </>
  );
}

export function StudioPage() {
  const { t } = useI18n();
  const { viewer, refresh } = useSession();
  // An approval changes the roles: a fresh access token carries them.
  useEffect(() => {
    if (viewer && !viewer.roles.includes("artist")) void refresh();
  }, []);
  if (!viewer)
    return (
      <Page title={t("studio.title")}>
        <Link to="/signin">{t("nav.signIn")}</Link>
      </Page>
    );
  return <Page title={t("studio.title")}>{viewer.roles.includes("artist") ? <Uploader /> : <Apply />}</Page>;
}
