/**
 * What each of a listener's Subsonic devices is playing, and the stream lease
 * it got for that play — kept at the edge, not in PostgreSQL, so `stream` (one
 * call per play and per Range request) writes no database row. The play itself,
 * the account's one lease and the exactly-once events live in the listener's
 * Session Durable Object (playback's path); this memo only remembers which
 * lease a device holds, because Subsonic players send nothing of the server's
 * back with their next Range request.
 *
 * Two levels: an isolate map (a hint, possibly stale) in front of the edge
 * location's Cache API (shared by the location's isolates, authoritative
 * there). A memo is lost when the device's requests move to another location
 * or the cache evicts it: its next Range request is then taken as the start of
 * a play, as one for a track the device was not playing is (a player resuming
 * mid-file): the hour's play id is the same, so no second PlaybackStarted, but
 * it takes the stream back from a device that took it meanwhile. Where the
 * runtime has no Cache API (Node, Deno) the isolate map is all there is, which
 * is right for a single process.
 */
import { z } from "zod";

const deviceLimit = 20;
const memoTtlSeconds = 24 * 3600;
/** Shown in getNowPlaying for the track's length plus this (a pause). */
const pauseMs = 10 * 60_000;
const isolateLimit = 10_000;

const devicePlaySchema = z.object({
  credentialId: z.uuid(),
  trackId: z.uuid(),
  client: z.string().max(100),
  /** The lease the device holds for this play; null when it only said it plays (a scrobble). */
  leaseId: z.string().max(100).nullable(),
  startedAt: z.number().int(),
  durationMs: z.number().int().nonnegative(),
  /** Scrobbled as played: not "now playing" any more, but later parts of the file are still this play. */
  submitted: z.boolean(),
});
export type DevicePlay = z.infer<typeof devicePlaySchema>;
const memoSchema = z.array(devicePlaySchema).max(deviceLimit);

export interface NowPlayingInput {
  trackId: string;
  client: string;
  leaseId: string | null;
  durationMs: number;
  /** Shown as playing from now: a new play, or a "now playing" scrobble. False when a play goes on (only its lease may change). */
  restart: boolean;
}

// A deliberate isolate cache (bounded; cleared when full): saves a Cache API read per Range request.
const isolate = new Map<string, DevicePlay[]>();

function edgeCache(): Cache | null {
  return (globalThis as { caches?: { default?: Cache } }).caches?.default ?? null;
}

/** Never a real host: the key names the listener, and the entry is never served to anyone. */
function cacheKey(userId: string): string {
  return `https://subsonic-now-playing.tunec.internal/${encodeURIComponent(userId)}`;
}

async function fromEdge(userId: string): Promise<DevicePlay[]> {
  const cache = edgeCache();
  if (!cache) return isolate.get(userId) ?? [];
  const hit = await cache.match(cacheKey(userId));
  const parsed = hit ? memoSchema.safeParse(await hit.json().catch(() => null)) : null;
  const plays = parsed?.success ? parsed.data : [];
  remember(userId, plays);
  return plays;
}

function remember(userId: string, plays: DevicePlay[]): void {
  if (isolate.size >= isolateLimit && !isolate.has(userId)) isolate.clear();
  isolate.set(userId, plays);
}

async function load(userId: string): Promise<DevicePlay[]> {
  return isolate.get(userId) ?? fromEdge(userId);
}

async function save(userId: string, plays: DevicePlay[]): Promise<void> {
  const kept = plays.sort((a, b) => b.startedAt - a.startedAt).slice(0, deviceLimit);
  remember(userId, kept);
  const cache = edgeCache();
  if (!cache) return;
  await cache.put(
    cacheKey(userId),
    new Response(JSON.stringify(kept), { headers: { "content-type": "application/json", "cache-control": `max-age=${memoTtlSeconds}` } }),
  );
}

/**
 * The device's play, read from the isolate first. `fresh` skips the isolate:
 * callers re-read before refusing a device on what may be a stale hint.
 */
export async function devicePlay(userId: string, credentialId: string, options: { fresh?: boolean } = {}): Promise<DevicePlay | undefined> {
  const plays = options.fresh ? await fromEdge(userId) : await load(userId);
  return plays.find((play) => play.credentialId === credentialId);
}

/** Records the play a device started (or goes on with), replacing its previous one. */
export async function setNowPlaying(userId: string, credentialId: string, input: NowPlayingInput): Promise<void> {
  const plays = await fromEdge(userId);
  const previous = plays.find((play) => play.credentialId === credentialId);
  const goesOn = !input.restart && previous?.trackId === input.trackId;
  const play: DevicePlay = {
    credentialId,
    trackId: input.trackId,
    client: input.client.slice(0, 100),
    leaseId: input.leaseId,
    durationMs: input.durationMs,
    startedAt: goesOn ? previous.startedAt : Date.now(),
    submitted: goesOn ? previous.submitted : false,
  };
  await save(userId, [play, ...plays.filter((other) => other.credentialId !== credentialId)]);
}

/** The device scrobbled this track as played: not "now playing" any more (it keeps its lease). */
export async function endNowPlaying(userId: string, credentialId: string, trackId: string): Promise<void> {
  const plays = await fromEdge(userId);
  const play = plays.find((entry) => entry.credentialId === credentialId && entry.trackId === trackId);
  if (!play || play.submitted) return;
  await save(
    userId,
    plays.map((entry) => (entry === play ? { ...entry, submitted: true } : entry)),
  );
}

export interface NowPlayingRow {
  credential_id: string;
  track_id: string;
  client: string;
  minutes_ago: number;
}

/** The listener's devices still within their track (plus ten minutes of pause), newest first. */
export async function listNowPlaying(userId: string, now = Date.now()): Promise<NowPlayingRow[]> {
  const plays = await fromEdge(userId);
  return plays
    .filter((play) => !play.submitted && play.startedAt + play.durationMs + pauseMs > now)
    .sort((a, b) => b.startedAt - a.startedAt)
    .map((play) => ({
      credential_id: play.credentialId,
      track_id: play.trackId,
      client: play.client,
      minutes_ago: Math.max(0, Math.floor((now - play.startedAt) / 60_000)),
    }));
}
