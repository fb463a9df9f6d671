/** Playlists as a track list needs them: the caller's list, and an "Add to playlist" control. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "../api/client";
import { useI18n } from "../i18n/i18n";
import { ProblemMessage } from "./common";

/** If-Match for a playlist version (its ETag). */
export const ifMatch = (version: number) => ({ "if-match": `"${version}"` });

/** The caller's playlists (owned, editable, followed). */
export function usePlaylists(enabled = true) {
  return useQuery({
    queryKey: ["playlists"],
    enabled,
    queryFn: async () => unwrap(await api.GET("/playlists", { params: { query: { limit: 100 } } })).playlists,
  });
}

/** "Add to playlist" beside a track: adds at the end; a stale ETag (another device's edit) is read again and retried once. */
export function AddToPlaylist({ trackId, title }: { trackId: string; title: string }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const playlists = usePlaylists();
  const [done, setDone] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: async (playlistId: string) => {
      const attempt = async (version: number) =>
        api.POST("/playlists/{id}/tracks", { params: { path: { id: playlistId }, header: ifMatch(version) }, body: { track_ids: [trackId] } });
      const known = playlists.data?.find((playlist) => playlist.id === playlistId)?.version ?? 1;
      let result = await attempt(known);
      if (result.response.status === 412) {
        const fresh = unwrap(await api.GET("/playlists/{id}", { params: { path: { id: playlistId }, query: { limit: 1 } } }));
        result = await attempt(fresh.playlist.version);
      }
      return unwrap(result);
    },
    onSuccess: async (added) => {
      setDone(added.playlist.name);
      await client.invalidateQueries({ queryKey: ["playlists"] });
      await client.invalidateQueries({ queryKey: ["playlist", added.playlist.id] });
    },
  });
  const editable = (playlists.data ?? []).filter((playlist) => playlist.role === "owner" || playlist.role === "editor");
  if (editable.length === 0) return null;
  return (
    <span className="add-to-playlist">
      <select
        aria-label={`${t("playlists.addTo")}: ${title}`}
        value=""
        disabled={add.isPending}
        onChange={(event) => {
          if (event.target.value) add.mutate(event.target.value);
        }}
      >
        <option value="">{t("playlists.addTo")}…</option>
        {editable.map((playlist) => (
          <option key={playlist.id} value={playlist.id}>
            {playlist.name}
          </option>
        ))}
      </select>
      {done ? (
        <span role="status" className="muted">
          {t("playlists.added")} «{done}»
        </span>
      ) : null}
      <ProblemMessage error={add.error} />
    </span>
  );
}
