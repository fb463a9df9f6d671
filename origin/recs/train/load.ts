/**
 * Reads what a training run needs from PostgreSQL: the catalogue (genres,
 * language, main artist, loudness of the renditions, and whether a track may be
 * recommended at all) and recs.interactions, into the dense arrays of the model
 * library. Indices follow sorted uuid order, so a log trained here and the same
 * log trained in memory with ids in the same order give identical models.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import { catalogFromRecords, type CatalogArrays } from "../model/catalog.ts";
import type { InteractionLog } from "../model/log.ts";

export interface LoadedCatalog {
  catalog: CatalogArrays;
  trackIds: string[];
  artistIds: string[];
  trackIndex: Map<string, number>;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export async function loadCatalog(db: Kysely<Database>): Promise<LoadedCatalog> {
  const tracks = await db
    .selectFrom("catalog.tracks as t")
    .leftJoin("catalog.albums as a", "a.id", "t.album_id")
    .select(["t.id", "t.artist_id", "t.genres", "t.language", "t.status", "a.status as album_status"])
    .execute();
  const loudness = await db
    .selectFrom("catalog.renditions")
    .select(["track_id", (eb) => eb.fn.avg<string>("loudness_lufs").as("lufs")])
    .groupBy("track_id")
    .execute();
  const lufs = new Map(loudness.map((r) => [r.track_id, Number(r.lufs)]));
  tracks.sort((a, b) => byString(a.id, b.id));
  const artistIds = [...new Set(tracks.map((t) => t.artist_id))].sort(byString);
  const artistIndex = new Map(artistIds.map((id, n) => [id, n]));
  const catalog = catalogFromRecords(
    tracks.map((t) => ({
      artist: artistIndex.get(t.artist_id) ?? 0,
      genres: t.genres,
      language: t.language,
      loudness: lufs.get(t.id) ?? null,
      // Only published tracks of releases that are not taken down are ever recommended.
      eligible: t.status === "published" && t.album_status !== "taken_down",
    })),
    artistIds.length,
  );
  const trackIds = tracks.map((t) => t.id);
  return { catalog, trackIds, artistIds, trackIndex: new Map(trackIds.map((id, n) => [id, n])) };
}

export interface LoadedLog {
  log: InteractionLog;
  accountIds: string[];
}

/**
 * All interactions, read in primary-key pages (a bounded result per query, no
 * long-lived cursor). Rows of tracks missing from the catalogue are skipped.
 */
export async function loadInteractions(
  db: Kysely<Database>,
  trackIndex: Map<string, number>,
  options: { pageSize?: number; onProgress?: (rows: number) => void } = {},
): Promise<LoadedLog> {
  const pageSize = options.pageSize ?? 50_000;
  let capacity = 1 << 16;
  let user = new Int32Array(capacity);
  let item = new Int32Array(capacity);
  let weight = new Float32Array(capacity);
  let time = new Float64Array(capacity);
  let length = 0;
  // Accounts get provisional indices in reading order, renumbered by sorted uuid at the end.
  const provisional = new Map<string, number>();
  let after: { event_id: string; track_id: string } | undefined;
  for (;;) {
    let query = db.selectFrom("recs.interactions").select(["event_id", "track_id", "account_id", "weight", "occurred_at"]);
    if (after) {
      const { event_id, track_id } = after;
      // A row comparison, so PostgreSQL walks the primary key from the last row read.
      query = query.where((eb) => eb(eb.refTuple("event_id", "track_id"), ">", eb.tuple(event_id, track_id)));
    }
    const page = await query.orderBy("event_id").orderBy("track_id").limit(pageSize).execute();
    for (const row of page) {
      const t = trackIndex.get(row.track_id);
      if (t === undefined) continue;
      if (length === capacity) {
        capacity *= 2;
        user = grow(user, new Int32Array(capacity));
        item = grow(item, new Int32Array(capacity));
        weight = grow(weight, new Float32Array(capacity));
        time = grow(time, new Float64Array(capacity));
      }
      let u = provisional.get(row.account_id);
      if (u === undefined) {
        u = provisional.size;
        provisional.set(row.account_id, u);
      }
      user[length] = u;
      item[length] = t;
      weight[length] = Number(row.weight);
      time[length] = new Date(row.occurred_at).getTime();
      length++;
    }
    options.onProgress?.(length);
    const last = page[page.length - 1];
    if (!last || page.length < pageSize) break;
    after = { event_id: last.event_id, track_id: last.track_id };
  }
  const accountIds = [...provisional.keys()].sort(byString);
  const renumber = new Int32Array(provisional.size);
  accountIds.forEach((id, n) => {
    renumber[provisional.get(id) ?? 0] = n;
  });
  for (let r = 0; r < length; r++) user[r] = renumber[user[r] ?? 0] ?? 0;
  return {
    log: { length, user: user.subarray(0, length), item: item.subarray(0, length), weight: weight.subarray(0, length), time: time.subarray(0, length) },
    accountIds,
  };
}

function grow<T extends Int32Array | Float32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
