/**
 * Puts a synthetic world (origin/recs/model/synthetic.ts) into a database: its
 * catalogue into catalog.*, a training log into recs.interactions, with ids
 * whose sorted order is the index order, so the database path and the
 * in-memory path number everything alike. For the evaluation and tests.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import { SIGNAL_WEIGHTS, type RecsSignal } from "../../../shared/recs/signals.ts";
import { genresOf } from "../model/catalog.ts";
import type { InteractionLog } from "../model/log.ts";
import type { SyntheticWorld } from "../model/synthetic.ts";

const hex = (n: number, width: number): string => n.toString(16).padStart(width, "0");
export const listenerUuid = (u: number): string => `00000001-0000-4000-8000-${hex(u, 12)}`;
export const trackUuid = (t: number): string => `00000002-0000-4000-8000-${hex(t, 12)}`;
export const artistUuid = (a: number): string => `00000003-0000-4000-8000-${hex(a, 12)}`;
const eventUuid = (r: number): string => `${hex(Math.floor(r / 65536), 8)}-${hex(r % 65536, 4)}-4000-8000-000000000000`;
/** The inverse of a uuid above: its index. */
export const indexOfUuid = (id: string): number => Number.parseInt(id.slice(24), 16);

const chunk = 20_000;

/**
 * Catalogue rows for the world: one artist per artist index, each track
 * published with its genres, language and a rendition carrying its loudness.
 * `takenDown` tracks get status 'taken_down'.
 */
export async function insertSyntheticCatalog(db: Kysely<Database>, world: SyntheticWorld, takenDown: ReadonlySet<number> = new Set()): Promise<void> {
  const { catalog } = world;
  for (let from = 0; from < catalog.nArtists; from += chunk) {
    const ids = Array.from({ length: Math.min(chunk, catalog.nArtists - from) }, (_, n) => from + n);
    await sql`insert into catalog.artists (id, name) select * from unnest(${ids.map(artistUuid)}::uuid[], ${ids.map((a) => `Artist ${a}`)}::text[])`.execute(
      db,
    );
  }
  for (let from = 0; from < catalog.n; from += chunk) {
    const ts = Array.from({ length: Math.min(chunk, catalog.n - from) }, (_, n) => from + n);
    // Genres travel as one '|'-joined text per track: unnest cannot take a ragged text[][].
    await sql`insert into catalog.tracks (id, title, artist_id, duration_ms, genres, language, status, published_at)
      select id, title, artist_id, duration_ms, string_to_array(genres, '|'), language, status, now()
      from unnest(${ts.map(trackUuid)}::uuid[], ${ts.map((t) => `Track ${t}`)}::text[], ${ts.map((t) => artistUuid(catalog.artist[t] ?? 0))}::uuid[],
        ${ts.map((t) => Math.round(world.durationMs[t] ?? 180_000))}::int[], ${ts.map((t) => [...genresOf(catalog, t)].map((g) => catalog.genreNames[g] ?? "").join("|"))}::text[],
        ${ts.map((t) => catalog.languageNames[catalog.language[t] ?? -1] ?? null)}::text[], ${ts.map((t) => (takenDown.has(t) ? "taken_down" : "published"))}::text[])
        as r(id, title, artist_id, duration_ms, genres, language, status)`.execute(db);
    await sql`insert into catalog.renditions (track_id, quality, codec, bitrate_kbps, object_key, size_bytes, loudness_lufs)
      select id, 'standard', 'opus', 128, 'synthetic/' || id, 1000000, lufs
      from unnest(${ts.map(trackUuid)}::uuid[], ${ts.map((t) => (catalog.loudness[t] ?? -14).toFixed(2))}::numeric[]) as r(id, lufs)`.execute(db);
  }
}

const signalOfWeight = new Map<number, RecsSignal>();
for (const [signal, weight] of Object.entries(SIGNAL_WEIGHTS) as Array<[RecsSignal, number]>) {
  if (!signalOfWeight.has(Math.fround(weight))) signalOfWeight.set(Math.fround(weight), signal);
}

/** The log's rows into recs.interactions, as the recs consumer would have written them. */
export async function insertSyntheticInteractions(
  db: Kysely<Database>,
  log: InteractionLog,
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  for (let from = 0; from < log.length; from += chunk) {
    const to = Math.min(log.length, from + chunk);
    const rows = Array.from({ length: to - from }, (_, n) => from + n);
    await sql`insert into recs.interactions (event_id, account_id, track_id, signal, weight, occurred_at)
      select * from unnest(${rows.map(eventUuid)}::uuid[], ${rows.map((r) => listenerUuid(log.user[r] ?? 0))}::uuid[],
        ${rows.map((r) => trackUuid(log.item[r] ?? 0))}::uuid[], ${rows.map((r) => signalOfWeight.get(log.weight[r] ?? 0) ?? "play")}::text[],
        ${rows.map((r) => log.weight[r] ?? 0)}::real[], ${rows.map((r) => new Date(log.time[r] ?? 0).toISOString())}::timestamptz[])`.execute(db);
    onProgress?.(to, log.length);
  }
}
