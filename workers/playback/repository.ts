/** Reads of the catalog playback needs: a track's status, duration and renditions, in one statement. */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { RenditionCodec, RenditionQuality, TrackStatus } from "../../shared/db/catalog.table.ts";

export interface PlayableRendition {
  quality: RenditionQuality;
  codec: RenditionCodec;
  bitrate_kbps: number;
  object_key: string;
  size_bytes: string;
  loudness_lufs: string;
}

export interface PlayableTrack {
  id: string;
  status: TrackStatus;
  published: boolean;
  duration_ms: number;
  renditions: PlayableRendition[];
}

export async function findPlayableTrack(db: Kysely<Database>, id: string): Promise<PlayableTrack | undefined> {
  const result = await sql<PlayableTrack>`
    select t.id, t.status, (t.published_at is not null) as published, t.duration_ms,
      coalesce((select json_agg(json_build_object('quality', r.quality, 'codec', r.codec, 'bitrate_kbps', r.bitrate_kbps,
                  'object_key', r.object_key, 'size_bytes', r.size_bytes::text, 'loudness_lufs', r.loudness_lufs::text))
                from catalog.renditions r where r.track_id = t.id), '[]'::json) as renditions
    from catalog.tracks t where t.id = ${id}`.execute(db);
  return result.rows[0];
}

// A deliberate isolate cache: a popular track is started many times a second,
// and a takedown a few seconds late changes little next to the media URLs
// already out (they live MEDIA_URL_TTL_SECONDS).
const playableTtlMs = 5_000;
/**
 * Past its TTL a row is still served while its refresh runs in the background
 * (when the caller can keep one alive), so no listener waits on the catalog
 * read, but never once this old: a takedown reaches every isolate within 10 s.
 */
const playableMaxStaleMs = 10_000;
const playableLimit = 5_000;
const playable = new Map<string, { track: PlayableTrack | undefined; at: number }>();
// Concurrent misses of one track share one query (a popular track expiring under load).
const reading = new Map<string, Promise<PlayableTrack | undefined>>();

type Db = Kysely<Database> | (() => Kysely<Database>);

function refresh(db: Db, id: string, owned = false): Promise<PlayableTrack | undefined> {
  let read = reading.get(id);
  if (!read) {
    const handle = typeof db === "function" ? db() : db;
    read = findPlayableTrack(handle, id)
      .then((track) => {
        if (playable.size >= playableLimit) playable.clear();
        playable.set(id, { track, at: Date.now() });
        return track;
      })
      .finally(() => {
        reading.delete(id);
        if (owned) void handle.destroy().catch(() => undefined);
      });
    reading.set(id, read);
  }
  return read;
}

export interface CachedReadOptions {
  now?: number;
  /** Keeps a background refresh alive past the response (the Worker's `waitUntil`); without it a stale row is read again. */
  waitUntil?: (promise: Promise<unknown>) => void;
  /**
   * A handle for a refresh behind the answer, which the refresh destroys when done. A
   * request's own handle is destroyed once its answer is out, sometimes before a background
   * read got its connection: that read failed ("driver has already been destroyed"), and so
   * did every request that had joined it. Without it the background read borrows `db`.
   */
  detachedDb?: () => Kysely<Database>;
}

/**
 * `findPlayableTrack`, remembered for a few seconds per isolate. `db` may be a
 * function giving the handle, so a hit never opens a connection.
 */
export async function findPlayableTrackCached(db: Db, id: string, options: CachedReadOptions = {}): Promise<PlayableTrack | undefined> {
  const now = options.now ?? Date.now();
  const cached = playable.get(id);
  const age = cached ? now - cached.at : Number.POSITIVE_INFINITY;
  if (cached && age < playableTtlMs) return cached.track;
  if (cached && age < playableMaxStaleMs && options.waitUntil) {
    const read = options.detachedDb ? refresh(options.detachedDb, id, true) : refresh(db, id);
    options.waitUntil(read.catch(() => undefined));
    return cached.track;
  }
  return refresh(db, id);
}
