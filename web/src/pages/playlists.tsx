/**
 * Playlists: the listener's list with a create form, and one playlist with its
 * tracks in order. Reordering is drag and drop (mouse, touch or the keyboard:
 * space to lift, arrows to move, space to drop), one PATCH per move with the
 * playlist's ETag in If-Match; when somebody else changed the playlist in the
 * meantime (412) the page says so kindly and shows the playlist as it is now.
 */
import { closestCenter, DndContext, KeyboardSensor, PointerSensor, useSensor, useSensors, type DragEndEvent } from "@dnd-kit/core";
import { arrayMove, SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api, ProblemError, unwrap, type Schemas } from "../api/client";
import { useSession } from "../auth/session";
import { formatDuration, Loading, Page, ProblemMessage } from "../components/common";
import { useI18n } from "../i18n/i18n";
import { usePlayer, type QueueTrack } from "../player/player";
import { ifMatch, usePlaylists } from "../components/add-to-playlist";

type Entry = Schemas["PlaylistTrack"];

/** Entries a playlist page loads; longer playlists show their first thousand. */
const shownEntries = 1_000;

export function PlaylistsPage() {
  const { t } = useI18n();
  const { viewer } = useSession();
  const navigate = useNavigate();
  const client = useQueryClient();
  const playlists = usePlaylists(Boolean(viewer));
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: async () => unwrap(await api.POST("/playlists", { body: { name, visibility: "private" } })),
    onSuccess: async (created) => {
      await client.invalidateQueries({ queryKey: ["playlists"] });
      void navigate(`/playlists/${created.id}`);
    },
  });
  if (viewer === null)
    return (
      <Page title={t("playlists.title")}>
        <p>{t("playlists.signIn")}</p>
      </Page>
    );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) create.mutate();
  };
  return (
    <Page title={t("playlists.title")}>
      <form className="inline-form" onSubmit={submit}>
        <label>
          {t("playlists.name")}
          <input value={name} maxLength={200} onChange={(event) => setName(event.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={!name.trim() || create.isPending}>
          {t("playlists.create")}
        </button>
      </form>
      <ProblemMessage error={create.error ?? playlists.error} />
      {playlists.isPending ? (
        <Loading />
      ) : playlists.data?.length ? (
        <ul className="rows" aria-label={t("playlists.title")}>
          {playlists.data.map((playlist) => (
            <li key={playlist.id}>
              <Link to={`/playlists/${playlist.id}`}>{playlist.name}</Link>{" "}
              <span className="muted">
                {playlist.track_count} · {t(`playlists.role.${playlist.role}` as const)}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t("playlists.empty")}</p>
      )}
    </Page>
  );
}

function SortableEntry({
  entry,
  index,
  canEdit,
  onPlay,
  onRemove,
}: {
  entry: Entry;
  index: number;
  canEdit: boolean;
  onPlay: () => void;
  onRemove: () => void;
}) {
  const { t } = useI18n();
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id: entry.entry_id, disabled: !canEdit });
  const style = { transform: CSS.Transform.toString(transform), transition };
  const title = entry.track?.title ?? t("playlists.unavailable");
  return (
    <li ref={setNodeRef} style={style} className={isDragging ? "track dragging" : "track"} data-entry={entry.entry_id}>
      {canEdit ? (
        <button type="button" className="handle" aria-label={`${t("playlists.move")}: ${title}`} {...attributes} {...listeners}>
          ⠿
        </button>
      ) : null}
      <span className="position">{index + 1}</span>
      <button type="button" className="play" disabled={!entry.track} aria-label={`${t("player.play")}: ${title}`} onClick={onPlay}>
        ▶
      </button>
      <span className="title">
        {entry.track ? <Link to={`/tracks/${entry.track_id}`}>{title}</Link> : <span className="muted">{title}</span>}
        {entry.track ? (
          <span className="artists">
            <Link to={`/artists/${entry.track.artist.id}`}>{entry.track.artist.name}</Link>
          </span>
        ) : null}
      </span>
      <span className="duration">{entry.track ? formatDuration(entry.track.duration_ms) : ""}</span>
      {canEdit ? (
        <button type="button" className="link" aria-label={`${t("playlists.remove")}: ${title}`} onClick={onRemove}>
          ✕
        </button>
      ) : null}
    </li>
  );
}

export function PlaylistPage() {
  const { t } = useI18n();
  const { id = "" } = useParams();
  const client = useQueryClient();
  const player = usePlayer();
  const [conflict, setConflict] = useState(false);
  const key = ["playlist", id];
  const playlist = useQuery({
    queryKey: key,
    queryFn: async () => {
      // Pages of 100 (the API's most) up to the first thousand entries: a screen's worth of dragging.
      const first = unwrap(await api.GET("/playlists/{id}", { params: { path: { id }, query: { limit: 100 } } }));
      const tracks = [...first.tracks];
      for (let cursor = first.next_cursor; cursor && tracks.length < shownEntries; ) {
        const page = unwrap(await api.GET("/playlists/{id}", { params: { path: { id }, query: { limit: 100, cursor } } }));
        tracks.push(...page.tracks);
        cursor = page.next_cursor;
      }
      return { playlist: first.playlist, tracks };
    },
  });
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const refresh = () => client.invalidateQueries({ queryKey: key });
  /** A 412 is another device or editor getting there first: show the playlist as it is now, kindly. */
  const onWriteError = async (error: unknown) => {
    if (error instanceof ProblemError && error.problem.status === 412) setConflict(true);
    await refresh();
  };
  const move = useMutation({
    mutationFn: async ({ entryId, beforeEntryId, version }: { entryId: string; beforeEntryId: string | null; version: number }) =>
      unwrap(
        await api.PATCH("/playlists/{id}/tracks/{entryId}", {
          params: { path: { id, entryId }, header: ifMatch(version) },
          body: { before_entry_id: beforeEntryId },
        }),
      ),
    onSuccess: () => refresh(),
    onError: onWriteError,
  });
  const remove = useMutation({
    mutationFn: async ({ entryId, version }: { entryId: string; version: number }) =>
      unwrap(await api.DELETE("/playlists/{id}/tracks/{entryId}", { params: { path: { id, entryId }, header: ifMatch(version) } })),
    onSuccess: () => refresh(),
    onError: onWriteError,
  });
  if (playlist.isPending) return <Loading />;
  if (!playlist.data) return <ProblemMessage error={playlist.error} />;
  const { playlist: meta, tracks } = playlist.data;
  const canEdit = meta.role === "owner" || meta.role === "editor";
  const playable: QueueTrack[] = tracks.flatMap((entry) =>
    entry.track ? [{ id: entry.track_id, title: entry.track.title, duration_ms: entry.track.duration_ms, artists: [entry.track.artist] }] : [],
  );

  const onDragEnd = (event: DragEndEvent) => {
    const from = tracks.findIndex((entry) => entry.entry_id === event.active.id);
    const to = tracks.findIndex((entry) => entry.entry_id === event.over?.id);
    if (from < 0 || to < 0 || from === to) return;
    const reordered = arrayMove(tracks, from, to);
    // Show the new order at once; the server's answer (or a conflict) replaces it.
    client.setQueryData(key, { ...playlist.data, tracks: reordered });
    setConflict(false);
    move.mutate({ entryId: String(event.active.id), beforeEntryId: reordered[to + 1]?.entry_id ?? null, version: meta.version });
  };

  return (
    <Page title={meta.name}>
      <p className="muted" data-testid="playlist-meta">
        {t("playlists.count")}: {meta.track_count} · {t(`playlists.role.${meta.role}` as const)}
      </p>
      {conflict ? (
        <p role="status" className="notice" data-testid="playlist-conflict">
          {t("playlists.conflict")}
        </p>
      ) : null}
      <ProblemMessage error={move.error instanceof ProblemError && move.error.problem.status === 412 ? null : (move.error ?? remove.error)} />
      {playable.length ? (
        <button type="button" className="primary" onClick={() => void player.play(playable, 0)}>
          {t("playlists.playAll")}
        </button>
      ) : null}
      {tracks.length === 0 ? <p className="muted">{t("playlists.noTracks")}</p> : null}
      <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
        <SortableContext items={tracks.map((entry) => entry.entry_id)} strategy={verticalListSortingStrategy}>
          <ol className="tracks sortable" aria-label={t("playlists.tracks")}>
            {tracks.map((entry, index) => (
              <SortableEntry
                key={entry.entry_id}
                entry={entry}
                index={index}
                canEdit={canEdit}
                onPlay={() =>
                  void player.play(
                    playable,
                    Math.max(
                      0,
                      playable.findIndex((track) => track.id === entry.track_id),
                    ),
                  )
                }
                onRemove={() => remove.mutate({ entryId: entry.entry_id, version: meta.version })}
              />
            ))}
          </ol>
        </SortableContext>
      </DndContext>
    </Page>
  );
}
