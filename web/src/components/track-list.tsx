import { Link } from "react-router";
import { useSession } from "../auth/session";
import { useI18n } from "../i18n/i18n";
import { usePlayer, type QueueTrack } from "../player/player";
import { formatDuration } from "./common";
import { AddToPlaylist } from "./add-to-playlist";
import { LikeButton } from "./like-button";
import { SimilarSpelling } from "./spelling";

export interface ListedTrack extends QueueTrack {
  explicit?: boolean;
  album?: { id: string; title: string } | null;
}

/** Tracks with play buttons: playing one queues the whole list from it. */
export function TrackList({
  tracks,
  label,
  query,
}: {
  tracks: ListedTrack[];
  label: string /** The search that found them: marks results matched by spelling. */;
  query?: string;
}) {
  const { t } = useI18n();
  const player = usePlayer();
  const { viewer } = useSession();
  return (
    <ol className="tracks" aria-label={label}>
      {tracks.map((track, position) => {
        const current = player.current?.id === track.id;
        return (
          <li key={track.id} className={current ? "track current" : "track"}>
            <button
              type="button"
              className="play"
              disabled={!viewer}
              title={viewer ? t("player.play") : t("player.signInToPlay")}
              aria-label={`${current && player.playing ? t("player.pause") : t("player.play")}: ${track.title}`}
              onClick={() => (current ? player.toggle() : void player.play(tracks, position))}
            >
              {current && player.playing ? "❚❚" : "▶"}
            </button>
            <span className="title">
              <Link to={`/tracks/${track.id}`}>{track.title}</Link>
              {track.explicit ? <abbr className="explicit">{t("track.explicit")}</abbr> : null}
              {query ? <SimilarSpelling query={query} texts={[track.title, ...track.artists.map((artist) => artist.name), track.album?.title ?? ""]} /> : null}
              <span className="artists">
                {track.artists.map((artist, i) => (
                  <span key={artist.id}>
                    {i > 0 ? ", " : ""}
                    <Link to={`/artists/${artist.id}`}>{artist.name}</Link>
                  </span>
                ))}
              </span>
            </span>
            <span className="duration">{formatDuration(track.duration_ms)}</span>
            {viewer ? <LikeButton trackId={track.id} /> : null}
            {viewer ? <AddToPlaylist trackId={track.id} title={track.title} /> : null}
          </li>
        );
      })}
    </ol>
  );
}
