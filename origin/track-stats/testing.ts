/** Test support for the track-stats suites: catalog rows to count plays of. */
import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";

/** A published track of a fresh artist; returns its id. */
export async function insertTrack(db: Kysely<Database>): Promise<string> {
  const artist = await db
    .insertInto("catalog.artists")
    .values({ name: `Stats ${crypto.randomUUID().slice(0, 8)}` })
    .returning("id")
    .executeTakeFirstOrThrow();
  const track = await db
    .insertInto("catalog.tracks")
    .values({ title: "Counted", artist_id: artist.id, duration_ms: 180_000, status: "published", published_at: new Date() })
    .returning("id")
    .executeTakeFirstOrThrow();
  return track.id;
}

export async function trackStats(db: Kysely<Database>, trackId: string): Promise<{ plays: number; popularity: number; updatedAt: Date } | undefined> {
  const row = await db.selectFrom("catalog.track_stats").select(["plays", "popularity", "updated_at"]).where("track_id", "=", trackId).executeTakeFirst();
  return row && { plays: Number(row.plays), popularity: row.popularity, updatedAt: row.updated_at };
}
