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

type Instructions = Schemas["UploadInstructions"];

/** PUT with upload progress (fetch cannot report it); resolves with the ETag the bucket answered. */
function put(url: string, body: Blob, headers: Record<string, string>, onProgress: (sent: number) => void): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("PUT", url);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => onProgress(event.loaded);
    request.onload = () => (request.status >= 200 && request.status < 300 ? resolve(request.getResponseHeader("etag")) : reject(new Error(`the upload answered ${request.status}`)));
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

interface UploadItem {
  key: string;
  file: File;
  sent: number;
  uploadId?: string;
  status?: Schemas["UploadStatus"]["status"] | "sending";
  rejection?: string;
  trackId?: string;
  error?: unknown;
}

function UploadRow({ item }: { item: UploadItem }) {
  const { t } = useI18n();
  const percent = Math.round((item.sent / Math.max(1, item.file.size)) * 100);
  return (
    <li className="upload" data-status={item.status ?? "new"}>
      <strong>{item.file.name}</strong>
      <progress max={item.file.size} value={item.sent} aria-label={`${t("studio.progress")} ${item.file.name}`}>
        {percent}%
      </progress>
      <span className="muted">{item.status ? t(`studio.state.${item.status}` as const) : ""}</span>
      {item.status === "published" && item.trackId ? <Link to={`/tracks/${item.trackId}`}>{t("studio.open")}</Link> : null}
      {item.rejection ? <span className="warning">{item.rejection}</span> : null}
      <ProblemMessage error={item.error} />
    </li>
  );
}

function Uploader() {
  const { t } = useI18n();
  const [items, setItems] = useState<UploadItem[]>([]);
  const update = (key: string, change: Partial<UploadItem>) => setItems((current) => current.map((item) => (item.key === key ? { ...item, ...change } : item)));

  async function upload(item: UploadItem) {
    try {
      const created = unwrap(
        await api.POST("/tracks", {
          body: { title: item.file.name.replace(/\.[^.]+$/, "").slice(0, 200) || item.file.name, content_type: item.file.type || "audio/mpeg", size_bytes: item.file.size, filename: item.file.name, explicit: false, genres: [], featured_artist_ids: [] },
        }),
      );
      update(item.key, { uploadId: created.upload_id, status: "sending", trackId: created.track_id });
      const resume = async () => unwrap(await api.POST("/uploads/{id}/resume", { params: { path: { id: created.upload_id } } }));
      const parts = await sendFile(item.file, created.upload, (sent) => update(item.key, { sent }), resume);
      update(item.key, { sent: item.file.size });
      unwrap(await api.POST("/uploads/{id}/complete", { params: { path: { id: created.upload_id } }, body: parts ? { parts } : {} }));
      for (;;) {
        const state = unwrap(await api.GET("/uploads/{id}", { params: { path: { id: created.upload_id } } }));
        update(item.key, { status: state.status, ...(state.rejection ? { rejection: state.rejection.message } : {}) });
        if (state.status === "published" || state.status === "rejected") return;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    } catch (error) {
      update(item.key, { error: error instanceof ProblemError ? error : { title: String(error) } });
    }
  }

  return (
    <>
      <label className="file">
        {t("studio.choose")}
        <input
          type="file"
          accept="audio/*"
          multiple
          onChange={(event) => {
            const chosen = [...(event.target.files ?? [])].map((file) => ({ key: crypto.randomUUID(), file, sent: 0 }));
            setItems((current) => [...chosen, ...current]);
            for (const item of chosen) void upload(item);
            event.target.value = "";
          }}
        />
      </label>
      <ul className="uploads" aria-label={t("studio.uploads")}>
        {items.map((item) => (
          <UploadRow key={item.key} item={item} />
        ))}
      </ul>
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
  if (!viewer) return <Page title={t("studio.title")}><Link to="/signin">{t("nav.signIn")}</Link></Page>;
  return <Page title={t("studio.title")}>{viewer.roles.includes("artist") ? <Uploader /> : <Apply />}</Page>;
}
