/**
 * The album editor: title, kind and release date (PATCH /admin/albums/{id}),
 * the cover (PUT the image's bytes, or DELETE it), takedown with a reason and
 * restore — the album's tracks go down and come back with it.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, ProblemError, unwrap, type Schemas } from "../../api/client";
import { Loading, ProblemMessage } from "../../components/common";
import { useI18n } from "../../i18n/i18n";
import { Busy, isAlbumHit, useCatalogSearch } from "./shared";

type CuratedAlbum = Schemas["CuratedAlbum"];
type AlbumKind = CuratedAlbum["kind"];
const albumKinds: readonly AlbumKind[] = ["album", "single", "ep", "compilation"];

interface AlbumFields {
  title: string;
  kind: AlbumKind;
  release_date: string | null;
  status: CuratedAlbum["status"];
  /** What the public page shows; after a cover change only whether there is one is known. */
  coverUrl: string | null;
  hasCover: boolean;
}

const fieldsOfCurated = (album: CuratedAlbum, coverUrl: string | null): AlbumFields => ({
  title: album.title,
  kind: album.kind,
  release_date: album.release_date,
  status: album.status,
  coverUrl,
  hasCover: album.cover_key !== null,
});

const coverTypes = ["image/jpeg", "image/png", "image/webp"] as const;
type CoverType = (typeof coverTypes)[number];
const isCoverType = (type: string): type is CoverType => (coverTypes as readonly string[]).includes(type);

function AlbumEditor({ id }: { id: string }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const album = useQuery({
    queryKey: ["admin", "album", id],
    retry: false,
    queryFn: async () => {
      try {
        const found = unwrap(await api.GET("/albums/{id}", { params: { path: { id } } }));
        return {
          title: found.title,
          kind: found.kind,
          release_date: found.release_date,
          status: "published",
          coverUrl: found.cover_url,
          hasCover: found.cover_url !== null,
        } satisfies AlbumFields;
      } catch (error) {
        // Taken down: GET /albums/{id} answers 410, and only the restore is left to offer.
        if (error instanceof ProblemError && error.problem.status === 410) return null;
        throw error;
      }
    },
  });
  const [saved, setSaved] = useState<AlbumFields | undefined>(undefined);
  const [title, setTitle] = useState<string | undefined>(undefined);
  const [kind, setKind] = useState<AlbumKind | undefined>(undefined);
  const [releaseDate, setReleaseDate] = useState<string | undefined>(undefined);
  const [reason, setReason] = useState("");
  const [coverFile, setCoverFile] = useState<File | null>(null);
  // A file input cannot be cleared through React state; a new key gives a fresh, empty one after an upload.
  const [coverInputKey, setCoverInputKey] = useState(0);
  const [tracksChanged, setTracksChanged] = useState<number | null>(null);
  const current = saved ?? album.data ?? undefined;

  const edit: Schemas["AlbumEdit"] = {};
  if (current) {
    if (title !== undefined && title.trim() !== current.title) edit.title = title.trim();
    if (kind !== undefined && kind !== current.kind) edit.kind = kind;
    if (releaseDate !== undefined && (releaseDate || null) !== current.release_date) edit.release_date = releaseDate || null;
  }
  const changed = Object.keys(edit).length > 0;

  const act = useMutation({
    mutationFn: async (action: "save" | "cover" | "removeCover" | "takedown" | "restore") => {
      const path = { path: { id } };
      if (action === "save") return { album: unwrap(await api.PATCH("/admin/albums/{id}", { params: path, body: edit })), tracksChanged: null };
      if (action === "cover") {
        if (!coverFile || !isCoverType(coverFile.type)) throw new ProblemError({ title: t("console.coverType") });
        // The schema types an image body as a string; the serializer sends the file's bytes as they are.
        const body = unwrap(
          await api.PUT("/admin/albums/{id}/cover", { params: path, body: "", bodySerializer: () => coverFile, headers: { "content-type": coverFile.type } }),
        );
        return { album: body, tracksChanged: null };
      }
      if (action === "removeCover") return { album: unwrap(await api.DELETE("/admin/albums/{id}/cover", { params: path })), tracksChanged: null };
      const availability =
        action === "takedown"
          ? unwrap(await api.POST("/admin/albums/{id}/takedown", { params: path, body: { reason } }))
          : unwrap(await api.POST("/admin/albums/{id}/restore", { params: path }));
      return { album: availability.album, tracksChanged: availability.tracks_changed };
    },
    onSuccess: ({ album: curated, tracksChanged: count }, action) => {
      // A new cover is only known by its key here; show the file the admin chose until the page reloads.
      const coverUrl = action === "cover" && coverFile ? URL.createObjectURL(coverFile) : action === "removeCover" ? null : (current?.coverUrl ?? null);
      setSaved(fieldsOfCurated(curated, coverUrl));
      setTitle(undefined);
      setKind(undefined);
      setReleaseDate(undefined);
      setReason("");
      setCoverFile(null);
      setCoverInputKey((key) => key + 1);
      setTracksChanged(count);
      void client.invalidateQueries({ queryKey: ["admin", "audit"] });
    },
  });

  if (album.isPending) return <Loading />;
  const status = current?.status ?? "taken_down";
  const albumName = current?.title ?? id.slice(0, 8);
  return (
    <div className="editor console-editor" role="group" aria-label={t("console.albumEditor")}>
      <ProblemMessage error={album.error ?? act.error} />
      {current ? (
        <>
          <label>
            {t("console.albumTitle")}
            <input value={title ?? current.title} onChange={(event) => setTitle(event.target.value)} />
          </label>
          <label>
            {t("console.albumKind")}
            <select value={kind ?? current.kind} onChange={(event) => setKind(event.target.value as AlbumKind)}>
              {albumKinds.map((option) => (
                <option key={option} value={option}>
                  {t(`console.kind.${option}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("console.releaseDate")}
            <input type="date" value={releaseDate ?? current.release_date ?? ""} onChange={(event) => setReleaseDate(event.target.value)} />
          </label>
          <button type="button" className="primary" onClick={() => act.mutate("save")} disabled={!changed || act.isPending}>
            {t("console.saveAlbum")}
          </button>
          <fieldset className="console-cover">
            <legend>{t("console.cover")}</legend>
            {current.coverUrl ? (
              <img src={current.coverUrl} alt={`${t("console.cover")}: ${albumName}`} width={120} height={120} className="cover" />
            ) : (
              <p className="muted">{current.hasCover ? t("console.coverReplaced") : t("console.noCover")}</p>
            )}
            <label>
              {t("console.newCover")}
              <input key={coverInputKey} type="file" accept={coverTypes.join(",")} onChange={(event) => setCoverFile(event.target.files?.[0] ?? null)} />
            </label>
            <div className="console-actions">
              <button type="button" disabled={!coverFile || act.isPending} onClick={() => act.mutate("cover")}>
                {t("console.uploadCover")}
              </button>
              <button type="button" disabled={!current.hasCover || act.isPending} onClick={() => act.mutate("removeCover")}>
                {t("console.removeCover")}
              </button>
            </div>
          </fieldset>
        </>
      ) : (
        <p className="muted">{t("console.albumTakenDownHint")}</p>
      )}
      {act.isPending ? <Busy label={t("console.working")} /> : null}
      <p data-testid="album-status" data-status={status}>
        {t("admin.status")}: {t(`console.albumStatus.${status}`)}
        {tracksChanged !== null ? ` · ${t("console.tracksChanged")}: ${tracksChanged}` : ""}
      </p>
      {status === "published" ? (
        <div className="console-actions">
          <input
            aria-label={t("console.albumTakedownReason")}
            placeholder={t("console.albumTakedownReason")}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
          <button type="button" disabled={!reason.trim() || act.isPending} onClick={() => act.mutate("takedown")}>
            {t("console.albumTakedown")}
          </button>
        </div>
      ) : (
        <button type="button" disabled={act.isPending} onClick={() => act.mutate("restore")}>
          {t("console.albumRestore")}
        </button>
      )}
    </div>
  );
}

export function AlbumsPanel() {
  const { t } = useI18n();
  const [query, setQuery] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const found = useCatalogSearch("album", query);
  const pastedId = /^[0-9a-f-]{36}$/i.test(query.trim()) ? query.trim() : null;
  return (
    <section aria-labelledby="console-albums">
      <h3 id="console-albums">{t("console.albums")}</h3>
      <input
        type="search"
        aria-label={t("console.findAlbum")}
        placeholder={t("console.findAlbum")}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      <ProblemMessage error={found.error} />
      {found.isFetching ? <Busy label={t("console.searching")} /> : null}
      <ul className="rows">
        {pastedId ? (
          <li>
            <button type="button" onClick={() => setSelected(pastedId)}>
              {t("console.openById")} {pastedId.slice(0, 8)}
            </button>
          </li>
        ) : null}
        {found.data?.filter(isAlbumHit).map((item) => (
          <li key={item.id}>
            <button type="button" onClick={() => setSelected(item.id)} aria-pressed={selected === item.id} aria-label={`${t("console.open")}: ${item.title}`}>
              {item.title}
            </button>
            <span className="muted">
              {item.artist.name} · {t(`console.kind.${item.kind === "single" || item.kind === "ep" || item.kind === "compilation" ? item.kind : "album"}`)} ·{" "}
              {item.track_count}
            </span>
          </li>
        ))}
      </ul>
      {selected ? <AlbumEditor key={selected} id={selected} /> : null}
    </section>
  );
}
