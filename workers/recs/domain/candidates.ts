/** Reads of the model tables (recs.*_neighbors, recs.popular_tracks) and of the catalog the ranking needs. */
import { type Kysely, sql } from "kysely";
import type { Database } from "../../../shared/db/database.ts";

export interface TrackMeta {
  id: string;
  title: string;
  artistId: string;
  artistName: string;
  explicit: boolean;
  genres: string[];
  language: string | null;
}

/** Published tracks only: a taken-down or deleted track never leaves this function. */
export async function trackMeta(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, TrackMeta>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom("catalog.tracks as t")
    .innerJoin("catalog.artists as a", "a.id", "t.artist_id")
    .select(["t.id", "t.title", "t.artist_id", "a.name as artist_name", "t.explicit", "t.genres", "t.language"])
    .where("t.id", "=", sql<string>`any(${[...ids]}::uuid[])`)
    .where("t.status", "=", "published")
    .where("t.published_at", "is not", null)
    .execute();
  return new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        title: row.title,
        artistId: row.artist_id,
        artistName: row.artist_name,
        explicit: row.explicit,
        genres: row.genres,
        language: row.language,
      },
    ]),
  );
}

export interface Neighbor {
  seed: string;
  id: string;
  score: number;
}

export async function trackNeighbors(db: Kysely<Database>, seeds: readonly string[], perSeed: number): Promise<Neighbor[]> {
  if (seeds.length === 0) return [];
  const rows = await db
    .selectFrom("recs.track_neighbors")
    .select(["track_id", "neighbor_id", "score"])
    .where("track_id", "=", sql<string>`any(${[...seeds]}::uuid[])`)
    .where("rank", "<", perSeed)
    .orderBy("track_id")
    .orderBy("rank")
    .execute();
  return rows.map((row) => ({ seed: row.track_id, id: row.neighbor_id, score: row.score }));
}

export interface Popular {
  segment: string;
  id: string;
  score: number;
}

/** The top `depth` of each segment, in one statement. */
export async function popularIn(db: Kysely<Database>, segments: readonly string[], depth: number): Promise<Popular[]> {
  if (segments.length === 0) return [];
  const rows = await db
    .selectFrom("recs.popular_tracks")
    .select(["segment", "track_id", "score"])
    .where("segment", "=", sql<string>`any(${[...segments]}::text[])`)
    .where("rank", "<", depth)
    .orderBy("segment")
    .orderBy("rank")
    .execute();
  return rows.map((row) => ({ segment: row.segment, id: row.track_id, score: row.score }));
}

/** Published tracks of some artists, most popular first (catalog.track_stats), at most `perArtist` each. */
export async function tracksOfArtists(db: Kysely<Database>, artistIds: readonly string[], perArtist: number): Promise<Array<{ id: string; artistId: string }>> {
  if (artistIds.length === 0) return [];
  const result = await sql<{ id: string; artist_id: string }>`
    select id, artist_id from (
      select t.id, t.artist_id, row_number() over (partition by t.artist_id order by coalesce(s.popularity, 0) desc, t.id) as n
      from catalog.tracks t left join catalog.track_stats s on s.track_id = t.id
      where t.artist_id = any(${[...artistIds]}::uuid[]) and t.status = 'published'
    ) ranked where n <= ${perArtist}`.execute(db);
  return result.rows.map((row) => ({ id: row.id, artistId: row.artist_id }));
}

export async function artistNames(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom("catalog.artists")
    .select(["id", "name"])
    .where("id", "=", sql<string>`any(${[...ids]}::uuid[])`)
    .execute();
  return new Map(rows.map((row) => [row.id, row.name]));
}
