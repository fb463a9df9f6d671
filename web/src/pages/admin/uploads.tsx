/**
 * Upload moderation: every artist's uploads by state, newest first, with the
 * reason a rejected one was refused and the origin worker's last error for one
 * that is retrying. Keyset pages ("show more") keep long lists cheap.
 */
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { api, unwrap, type Schemas } from "../../api/client";
import { formatDuration, Loading, ProblemMessage } from "../../components/common";
import { useI18n } from "../../i18n/i18n";
import { Busy, Fact, useDateTime } from "./shared";

type UploadState = Schemas["AdminUpload"]["state"];
const uploadStates: readonly UploadState[] = ["awaiting_upload", "uploaded", "validated", "published", "rejected"];

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

function UploadRow({ upload }: { upload: Schemas["AdminUpload"] }) {
  const { t } = useI18n();
  const dateTime = useDateTime();
  return (
    <li className="console-card" data-state={upload.state}>
      <div className="console-card-head">
        <strong>{upload.title}</strong>
        <span className={`console-state console-state-${upload.state}`}>{t(`console.uploadState.${upload.state}`)}</span>
        {upload.state === "published" ? (
          <Link to={`/admin/catalog?track=${upload.track_id}`} aria-label={`${t("console.editTrack")}: ${upload.title}`}>
            {t("console.editTrack")}
          </Link>
        ) : null}
      </div>
      {upload.rejection ? (
        <p className="warning" data-testid="rejection">
          {t("console.rejectedBecause")}: {upload.rejection.message} <code>{upload.rejection.code}</code>
        </p>
      ) : null}
      {upload.last_error ? (
        <p className="muted">
          {t("console.lastError")} ({t("console.attempts")}: {upload.attempts}): {upload.last_error}
        </p>
      ) : null}
      <dl className="facts console-facts">
        <Fact term={t("console.file")}>{upload.filename ?? "—"}</Fact>
        <Fact term={t("console.declared")}>
          {upload.declared_content_type}, {megabytes(upload.declared_size_bytes)}
        </Fact>
        {upload.detected_format ? (
          <Fact term={t("console.measured")}>
            {upload.detected_format}
            {upload.size_bytes !== null ? `, ${megabytes(upload.size_bytes)}` : ""}
            {upload.duration_ms !== null ? `, ${formatDuration(upload.duration_ms)}` : ""}
          </Fact>
        ) : null}
        <Fact term={t("console.created")}>{dateTime(upload.created_at)}</Fact>
        <Fact term={t("console.updated")}>{dateTime(upload.updated_at)}</Fact>
        <Fact term={t("console.artistId")}>
          <code>{upload.artist_id}</code>
        </Fact>
        <Fact term={t("console.trackId")}>
          <code>{upload.track_id}</code>
        </Fact>
      </dl>
    </li>
  );
}

export function UploadsTab() {
  const { t } = useI18n();
  const [state, setState] = useState<UploadState | "">("rejected");
  const [artistId, setArtistId] = useState("");
  const artistFilter = /^[0-9a-f-]{36}$/i.test(artistId.trim()) ? artistId.trim() : undefined;
  const uploads = useInfiniteQuery({
    queryKey: ["admin", "uploads", state, artistFilter],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/admin/uploads", {
          params: {
            query: {
              limit: 20,
              ...(state ? { state } : {}),
              ...(artistFilter ? { artist_id: artistFilter } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
  const rows = uploads.data?.pages.flatMap((page) => page.uploads) ?? [];
  return (
    <section aria-labelledby="console-uploads">
      <h2 id="console-uploads">{t("console.tab.uploads")}</h2>
      <div className="console-filters">
        <label>
          {t("console.uploadStateFilter")}
          <select value={state} onChange={(event) => setState(event.target.value as UploadState | "")}>
            <option value="">{t("console.all")}</option>
            {uploadStates.map((option) => (
              <option key={option} value={option}>
                {t(`console.uploadState.${option}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("console.artistIdFilter")}
          <input value={artistId} onChange={(event) => setArtistId(event.target.value)} placeholder="00000000-0000-…" />
        </label>
      </div>
      <ProblemMessage error={uploads.error} />
      {uploads.isPending ? <Loading /> : rows.length === 0 ? <p className="muted">{t("console.noUploads")}</p> : null}
      <ul className="console-list" aria-label={t("console.tab.uploads")}>
        {rows.map((upload) => (
          <UploadRow key={upload.id} upload={upload} />
        ))}
      </ul>
      {uploads.isFetchingNextPage ? <Busy label={t("console.loadingMore")} /> : null}
      {uploads.hasNextPage ? (
        <button type="button" onClick={() => void uploads.fetchNextPage()} disabled={uploads.isFetchingNextPage}>
          {t("console.showMore")}
        </button>
      ) : null}
    </section>
  );
}
