/**
 * The player: one <audio> element for the whole app, a queue, next/previous.
 * Each track starts with GET /stream/{id} (entitlement, the device's stream
 * lease, PlaybackStarted) and plays the short-lived signed media URL it
 * returns; the media server answers Range, so seeking works. When a track
 * ends or is left, POST /plays/{id}/finish reports how far it got (what
 * counts as a real play for popularity and recommendations).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { api, unwrap } from "../api/client";

export interface QueueTrack {
  id: string;
  title: string;
  artists: { id: string; name: string }[];
  duration_ms: number;
}

interface Player {
  queue: QueueTrack[];
  index: number;
  current: QueueTrack | undefined;
  playing: boolean;
  position: number;
  duration: number;
  error: string | null;
  play(queue: QueueTrack[], index: number): Promise<void>;
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

  const finish = useCallback(() => {
    const id = playId.current;
    const element = audio.current;
    if (!id || !element) return;
    playId.current = null;
    void api.POST("/plays/{id}/finish", { params: { path: { id } }, body: { position_ms: Math.round(element.currentTime * 1000) } });
  }, []);

  const start = useCallback(
    async (tracks: QueueTrack[], at: number) => {
      const track = tracks[at];
      const element = audio.current;
      if (!track || !element) return;
      finish();
      setError(null);
      setQueue(tracks);
      setIndex(at);
      try {
        const stream = unwrap(await api.GET("/stream/{id}", { params: { path: { id: track.id }, query: {} } }));
        playId.current = stream.play_id;
        element.src = stream.url;
        await element.play();
      } catch (cause) {
        setError(cause instanceof Error ? cause.message : String(cause));
        setPlaying(false);
      }
    },
    [finish],
  );

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
  }, [finish, next]);

  const value = useMemo<Player>(
    () => ({
      queue,
      index,
      current: queue[index],
      playing,
      position,
      duration,
      error,
      play: start,
      toggle: () => {
        const element = audio.current;
        if (!element?.src) return;
        if (element.paused) void element.play();
        else element.pause();
      },
      next,
      previous,
      seek: (seconds) => {
        if (audio.current) audio.current.currentTime = seconds;
      },
    }),
    [queue, index, playing, position, duration, error, start, next, previous],
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
