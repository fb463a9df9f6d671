import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { useI18n } from "../i18n/i18n";
import { TrackList } from "./track-list";

/** Tracks like this one, for anyone (the track page). */
export function SimilarTracks({ trackId }: { trackId: string }) {
  const { t } = useI18n();
  const similar = useQuery({
    queryKey: ["similar", trackId],
    queryFn: async () => unwrap(await api.GET("/tracks/{id}/similar", { params: { path: { id: trackId }, query: { limit: 10 } } })).tracks,
  });
  if (!similar.data?.length) return null;
  return (
    <section aria-labelledby="similar-tracks">
      <h2 id="similar-tracks">{t("similar.tracks")}</h2>
      <TrackList label={t("similar.tracks")} tracks={similar.data} />
    </section>
  );
}
