/**
 * My Wave: the personal endless radio. The list grows as it plays (the next
 * page is asked for when the player nears the end of the wave's tracks), each
 * track says why it is here, and like / dislike / skip reach the wave at once.
 * Below: genres for a listener with no history yet, and today's mixes.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { api, expectOk, unwrap, type Schemas } from "../api/client";
import { useSession } from "../auth/session";
import { Loading, Page, ProblemMessage } from "../components/common";
import { TrackList } from "../components/track-list";
import { useI18n } from "../i18n/i18n";
import { usePlayer } from "../player/player";

type Recommended = Schemas["RecommendedTrack"];
type Action = "like" | "dislike" | "skip";

/** Genres a new listener can start from; the catalog's own spellings (lower case). */
const starterGenres = ["rock", "pop", "indie", "electronic", "synth-pop", "synthwave", "post-punk", "ambient", "hip-hop", "jazz", "classical", "metal", "folk"];

async function fetchWave(): Promise<Recommended[]> {
  return unwrap(await api.GET("/me/wave", { params: { query: { limit: 10 } } })).tracks;
}

export function WavePage() {
  const { t } = useI18n();
  const { viewer } = useSession();
  if (viewer === null)
    return (
      <Page title={t("wave.title")}>
        <p>{t("playlists.signIn")}</p>
      </Page>
    );
  return (
    <Page title={t("wave.title")}>
      <p className="muted">{t("wave.intro")}</p>
      <Wave />
      <TasteForm />
      <Mixes />
    </Page>
  );
}

function Wave() {
  const { t } = useI18n();
  const player = usePlayer();
  const [tracks, setTracks] = useState<Recommended[]>([]);
  const first = useQuery({ queryKey: ["wave"], queryFn: fetchWave, staleTime: Number.POSITIVE_INFINITY });
  useEffect(() => {
    if (first.data) setTracks(first.data);
  }, [first.data]);

  const more = useMutation({
    mutationFn: fetchWave,
    onSuccess: (next) => {
      setTracks((shown) => [...shown, ...next.filter((track) => !shown.some((known) => known.id === track.id))]);
      if (playingWave.current) player.append(next);
    },
  });

  // Endless: while the wave plays, its next page is fetched before the last track ends.
  const playingWave = useRef(false);
  playingWave.current = Boolean(player.current && tracks.some((track) => track.id === player.current?.id));
  const { index, queue } = player;
  const { mutate: fetchMore, isPending: fetchingMore } = more;
  useEffect(() => {
    if (playingWave.current && index >= queue.length - 2 && !fetchingMore) fetchMore();
  }, [index, queue.length, fetchingMore, fetchMore]);

  const feedback = useMutation({
    mutationFn: async ({ track, action }: { track: Recommended; action: Action }) =>
      expectOk(await api.POST("/me/wave/feedback", { body: { track_id: track.id, action } })),
    onSuccess: (_, { track, action }) => {
      if (action === "dislike") setTracks((shown) => shown.filter((item) => item.id !== track.id));
      if (action !== "like" && player.current?.id === track.id) player.next();
    },
  });

  if (first.isPending) return <Loading />;
  const current = tracks.find((track) => track.id === player.current?.id);
  return (
    <section aria-labelledby="wave-now">
      <ProblemMessage error={first.error ?? more.error ?? feedback.error} />
      {tracks.length === 0 ? <p>{t("wave.empty")}</p> : null}
      <p className="actions">
        <button type="button" className="primary" disabled={tracks.length === 0} onClick={() => void player.play(tracks, 0)}>
          ▶ {t("wave.play")}
        </button>
        <button type="button" disabled={more.isPending} onClick={() => more.mutate()}>
          {t("wave.more")}
        </button>
      </p>
      {current ? (
        <div className="wave-now" id="wave-now" aria-live="polite">
          <strong>{current.title}</strong> — {current.reason.text}
          <span className="actions">
            {(["like", "dislike", "skip"] as const).map((action) => (
              <button key={action} type="button" disabled={feedback.isPending} onClick={() => feedback.mutate({ track: current, action })}>
                {t(`wave.${action}`)}
              </button>
            ))}
          </span>
        </div>
      ) : null}
      <TrackList label={t("wave.title")} tracks={tracks} />
      <ul className="reasons" aria-label={t("wave.why")}>
        {tracks.map((track) => (
          <li key={track.id} data-reason={track.reason.code}>
            <Link to={`/tracks/${track.id}`}>{track.title}</Link>: {track.reason.text}
          </li>
        ))}
      </ul>
    </section>
  );
}

function TasteForm() {
  const { t } = useI18n();
  const client = useQueryClient();
  const [genres, setGenres] = useState<string[]>([]);
  const [explicit, setExplicit] = useState(true);
  const save = useMutation({
    mutationFn: async () => expectOk(await api.PUT("/me/taste", { body: { genres, artist_ids: [], allow_explicit: explicit } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["wave"] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} aria-labelledby="wave-taste">
      <h2 id="wave-taste">{t("wave.taste")}</h2>
      <p className="muted">{t("wave.tasteHint")}</p>
      <fieldset className="genres">
        <legend>{t("studio.field.genres")}</legend>
        {starterGenres.map((genre) => (
          <label key={genre}>
            <input
              type="checkbox"
              checked={genres.includes(genre)}
              onChange={(event) => setGenres((chosen) => (event.target.checked ? [...chosen, genre] : chosen.filter((item) => item !== genre)))}
            />
            {genre}
          </label>
        ))}
      </fieldset>
      <label>
        <input type="checkbox" checked={explicit} onChange={(event) => setExplicit(event.target.checked)} />
        {t("wave.explicit")}
      </label>
      <p>
        <button type="submit" disabled={save.isPending}>
          {t("wave.saveTaste")}
        </button>
      </p>
      <ProblemMessage error={save.error} />
      {save.isSuccess ? <p role="status">{t("wave.tasteSaved")}</p> : null}
    </form>
  );
}

function Mixes() {
  const { t } = useI18n();
  const mixes = useQuery({ queryKey: ["mixes"], queryFn: async () => unwrap(await api.GET("/me/mixes")) });
  if (!mixes.data?.mixes.length) return <ProblemMessage error={mixes.error} />;
  return (
    <section aria-labelledby="wave-mixes">
      <h2 id="wave-mixes">{t("wave.mixes")}</h2>
      {mixes.data.mixes.map((mix) => (
        <section key={mix.id}>
          <h3>{mix.title}</h3>
          <TrackList label={mix.title} tracks={mix.tracks} />
        </section>
      ))}
    </section>
  );
}
