/**
 * The player: one <audio> element for the whole app, a queue, next/previous.
 * Each track starts with GET /stream/{id} (entitlement, the device's stream
 * lease, PlaybackStarted) and plays the short-lived signed media URL it
 * returns; the media server answers Range, so seeking works. When a track
 * ends or is left, POST /plays/{id}/finish reports how far it got (what
 * counts as a real play for popularity and recommendations).
 *
 * Free listeners hear an ad break before every `adEvery`-th track they start
 * (GET /ad picks the spot by the track's genre and their language; 204 means
 * none): the controls wait while it plays, then the track starts. Premium
 * listeners never get one (the API answers 204 for them too).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { useSession } from "../auth/session";

/** Tracks a free listener starts between two ad breaks. */
export const adEvery = 3;

export interface QueueTrack {
  id: string;
  title: string;
  artists: { id: string; name: string }[];
  duration_ms: number;
}

interface Player {
  /** The ad playing now, if any: the controls wait for it. */
  ad: Schemas["Ad"] | null;
  queue: QueueTrack[];
  index: number;
  current: QueueTrack | undefined;
  playing: boolean;
  position: number;
  duration: number;
  error: string | null;
  play(queue: QueueTrack[], index: number): Promise<void>;
  /** Adds tracks to the end of the queue (an endless radio's next page); ones already queued are skipped. */
  append(tracks: QueueTrack[]): void;
  toggle(): void;
  next(): void;
  previous(): void;
  seek(seconds: number): void;
}

const Context = createContext<Player | null>(null);

export function PlayerProvider({ children }: { children: ReactNode }) {
  const audio = useRef<HTMLAudioElement | null>(null);
  const playId = useRef<string | null>(null);
  const [queue, setQueue] = useState<QueueTrack[]>([]);
  const [index, setIndex] = useState(-1);
  const [playing, setPlaying] = useState(false);
  const [position, setPosition] = useState(0);
  const [duration, setDuration] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [ad, setAd] = useState<Schemas["Ad"] | null>(null);
  const { viewer } = useSession();
  const started = useRef(0);
  const afterAd = useRef<{ tracks: QueueTrack[]; at: number } | null>(null);

  const finish = useCallback(() => {
    const id = playId.current;
    const element = audio.current;
    if (!id || !element) return;
    playId.current = null;
    void api.POST("/plays/{id}/finish", { params: { path: { id } }, body: { position_ms: Math.round(element.currentTime * 1000) } });
  }, []);

  const start = useCallback(
    async (tracks: QueueTrack[], at: number, adChecked = false) => {
      const track = tracks[at];
      const element = audio.current;
      if (!track || !element) return;
      finish();
      setError(null);
      setQueue(tracks);
      setIndex(at);
      try {
        if (!adChecked && viewer && !viewer.isPremium && started.current > 0 && started.current % adEvery === 0) {
          const offered = await api.GET("/ad", { params: { query: { track_id: track.id } } });
          if (offered.response.status === 200 && offered.data) {
            started.current += 1;
            afterAd.current = { tracks, at };
            setAd(offered.data);
            element.src = offered.data.audio.url;
            await element.play();
            return;
          }
        }
        if (!adChecked) started.current += 1;
        const stream = unwrap(await api.GET("/stream/{id}", { params: { path: { id: track.id }, query: {} } }));
        playId.current = stream.play_id;
        element.src = stream.url;
        await element.play();
      } catch (cause) {
        setError(cause instanceof Error ? cause.message : String(cause));
        setPlaying(false);
      }
    },
    [finish, viewer],
  );

  const append = useCallback((tracks: QueueTrack[]) => {
    setQueue((queued) => {
      const known = new Set(queued.map((track) => track.id));
      return [...queued, ...tracks.filter((track) => !known.has(track.id))];
    });
  }, []);

  const next = useCallback(() => {
    if (index + 1 < queue.length) void start(queue, index + 1);
  }, [index, queue, start]);
  const previous = useCallback(() => {
    const element = audio.current;
    if (element && element.currentTime > 3) element.currentTime = 0;
    else if (index > 0) void start(queue, index - 1);
  }, [index, queue, start]);

  useEffect(() => {
    const element = audio.current;
    if (!element) return;
    const onTime = () => setPosition(element.currentTime);
    const onDuration = () => setDuration(Number.isFinite(element.duration) ? element.duration : 0);
    const onPlay = () => setPlaying(true);
    const onPause = () => setPlaying(false);
    const onEnded = () => {
      const resume = afterAd.current;
      if (resume && ad) {
        // The spot was heard to the end: report it, then the track the listener asked for.
        void api.POST("/ad/impressions/{id}", { params: { path: { id: ad.impression_id } }, body: { event: "played" } });
        afterAd.current = null;
        setAd(null);
        void start(resume.tracks, resume.at, true);
        return;
      }
      finish();
      next();
    };
    element.addEventListener("timeupdate", onTime);
    element.addEventListener("durationchange", onDuration);
    element.addEventListener("play", onPlay);
    element.addEventListener("pause", onPause);
    element.addEventListener("ended", onEnded);
    return () => {
      element.removeEventListener("timeupdate", onTime);
      element.removeEventListener("durationchange", onDuration);
      element.removeEventListener("play", onPlay);
      element.removeEventListener("pause", onPause);
      element.removeEventListener("ended", onEnded);
    };
  }, [finish, next, ad, start]);

  const value = useMemo<Player>(
    () => ({
      ad,
      queue,
      index,
      current: queue[index],
      playing,
      position,
      duration,
      error,
      play: start,
      append,
      toggle: () => {
        const element = audio.current;
        if (!element?.src || ad) return;
        if (element.paused) void element.play();
        else element.pause();
      },
      next,
      previous,
      seek: (seconds) => {
        if (audio.current && !ad) audio.current.currentTime = seconds;
      },
    }),
    [ad, queue, index, playing, position, duration, error, start, append, next, previous],
  );

  return (
    <Context.Provider value={value}>
      {children}
      <audio ref={audio} preload="auto" data-testid="audio" />
    </Context.Provider>
  );
}

export function usePlayer(): Player {
  const value = useContext(Context);
  if (!value) throw new Error("usePlayer needs <PlayerProvider>");
  return value;
}
