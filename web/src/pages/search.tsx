import { useQuery } from "@tanstack/react-query";
import { useDeferredValue } from "react";
import { Link, useSearchParams } from "react-router";
import { api, unwrap, type Schemas } from "../api/client";
import { Loading, ProblemMessage } from "../components/common";
import { SimilarSpelling } from "../components/spelling";
import { TrackList, type ListedTrack } from "../components/track-list";
import { useI18n } from "../i18n/i18n";

type Item = Schemas["SearchResults"]["items"][number];

function search(type: "track" | "album" | "artist", q: string) {
  return async () => unwrap(await api.GET("/search", { params: { query: { q, type, limit: 10 } } })).items;
}

/** Search as you type: the query lives in the URL (?q=), so a result page can be shared and reloaded. */
export function SearchPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const deferred = useDeferredValue(q.trim());
  const enabled = deferred.length > 0;
  const tracks = useQuery({ queryKey: ["search", "track", deferred], queryFn: search("track", deferred), enabled, placeholderData: (previous) => previous });
  const albums = useQuery({ queryKey: ["search", "album", deferred], queryFn: search("album", deferred), enabled, placeholderData: (previous) => previous });
  const artists = useQuery({ queryKey: ["search", "artist", deferred], queryFn: search("artist", deferred), enabled, placeholderData: (previous) => previous });
  const trackItems = (tracks.data ?? []).filter((item): item is Extract<Item, { artists: unknown }> => "artists" in item) as ListedTrack[];
  const albumItems = (albums.data ?? []).filter((item): item is Extract<Item, { kind: string }> => "kind" in item);
  const artistItems = (artists.data ?? []).filter((item): item is Extract<Item, { name: string }> => "name" in item);
  const nothing = enabled && !tracks.isFetching && trackItems.length === 0 && albumItems.length === 0 && artistItems.length === 0;

  return (
    <section className="page">
      <label className="search">
        <span className="visually-hidden">{t("search.label")}</span>
        <input
          type="search"
          autoFocus
          value={q}
          placeholder={t("search.placeholder")}
          onChange={(event) => setParams(event.target.value ? { q: event.target.value } : {}, { replace: true })}
        />
      </label>
      {!enabled ? <p className="muted">{t("search.hint")}</p> : null}
      <ProblemMessage error={tracks.error ?? albums.error ?? artists.error} />
      {enabled && tracks.isPending ? <Loading /> : null}
      {nothing ? <p className="muted">{t("search.nothing")}</p> : null}
      {artistItems.length > 0 ? (
        <>
          <h2>{t("search.artists")}</h2>
          <ul className="cards">
            {artistItems.map((artist) => (
              <li key={artist.id}>
                <Link to={`/artists/${artist.id}`}>{artist.name}</Link> <SimilarSpelling query={deferred} texts={[artist.name]} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {albumItems.length > 0 ? (
        <>
          <h2>{t("search.albums")}</h2>
          <ul className="cards">
            {albumItems.map((album) => (
              <li key={album.id}>
                <Link to={`/albums/${album.id}`}>{album.title}</Link>
                <span className="muted"> · {album.artist.name}</span> <SimilarSpelling query={deferred} texts={[album.title, album.artist.name]} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {trackItems.length > 0 ? (
        <>
          <h2>{t("search.tracks")}</h2>
          <TrackList tracks={trackItems} label={t("search.tracks")} query={deferred} />
        </>
      ) : null}
    </section>
  );
}
