import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { api, unwrap } from "../api/client";
import { Loading, Page, ProblemMessage, formatDuration } from "../components/common";
import { LikeButton } from "../components/like-button";
import { TrackList } from "../components/track-list";
import { useSession } from "../auth/session";
import { useI18n } from "../i18n/i18n";
import { usePlayer } from "../player/player";
import { SimilarTracks } from "../components/similar";

export function TrackPage() {
  const { id = "" } = useParams();
  const { t } = useI18n();
  const player = usePlayer();
  const { viewer } = useSession();
  const track = useQuery({ queryKey: ["track", id], queryFn: async () => unwrap(await api.GET("/tracks/{id}", { params: { path: { id } } })) });
  if (track.error) return <ProblemMessage error={track.error} />;
  if (!track.data) return <Loading />;
  const data = track.data;
  return (
    <Page title={data.title}>
      <p>
        {data.artists.map((artist, i) => (
          <span key={artist.id}>
            {i > 0 ? ", " : ""}
            <Link to={`/artists/${artist.id}`}>{artist.name}</Link>
          </span>
        ))}
        {data.album ? (
          <>
            {" · "}
            {t("track.album")} <Link to={`/albums/${data.album.id}`}>{data.album.title}</Link>
          </>
        ) : null}
        {" · "}
        {formatDuration(data.duration_ms)}
      </p>
      {data.cover_url ? <img className="cover" src={data.cover_url} alt="" width={240} height={240} /> : null}
      <p className="actions">
        <button type="button" className="primary" disabled={!viewer} onClick={() => void player.play([data], 0)}>
          ▶ {viewer ? t("player.play") : t("player.signInToPlay")}
        </button>
        {viewer ? <LikeButton trackId={data.id} /> : null}
      </p>
      <SimilarTracks trackId={data.id} />
    </Page>
  );
}

export function ArtistPage() {
  const { id = "" } = useParams();
  const { t } = useI18n();
  const artist = useQuery({ queryKey: ["artist", id], queryFn: async () => unwrap(await api.GET("/artists/{id}", { params: { path: { id } } })) });
  if (artist.error) return <ProblemMessage error={artist.error} />;
  if (!artist.data) return <Loading />;
  return (
    <Page title={artist.data.name}>
      {artist.data.bio ? <p>{artist.data.bio}</p> : null}
      <h2>{t("artist.top")}</h2>
      <TrackList tracks={artist.data.top_tracks} label={t("artist.top")} />
    </Page>
  );
}

export function AlbumPage() {
  const { id = "" } = useParams();
  const { t } = useI18n();
  const album = useQuery({ queryKey: ["album", id], queryFn: async () => unwrap(await api.GET("/albums/{id}", { params: { path: { id } } })) });
  if (album.error) return <ProblemMessage error={album.error} />;
  if (!album.data) return <Loading />;
  return (
    <Page title={album.data.title}>
      <p>
        <Link to={`/artists/${album.data.artist.id}`}>{album.data.artist.name}</Link>
        {album.data.release_date ? ` · ${album.data.release_date.slice(0, 4)}` : ""}
      </p>
      {album.data.cover_url ? <img className="cover" src={album.data.cover_url} alt="" width={240} height={240} /> : null}
      <h2>{t("album.tracks")}</h2>
      <TrackList tracks={album.data.tracks} label={t("album.tracks")} />
    </Page>
  );
}
