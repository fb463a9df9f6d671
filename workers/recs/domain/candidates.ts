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

export interface WaveCandidateQuery {
  /** Tracks whose neighbour lists feed recommend() (the listener's strongest). */
  seeds: readonly string[];
  /** Neighbours read per seed (the trainer stores up to its K). */
  perSeed: number;
  segments: readonly string[];
  segmentDepth: number;
  /** Depth of the overall list ('all'), the exploration / cold-start pool. */
  allDepth: number;
  artistIds: readonly string[];
  perArtist: number;
}

export interface WaveCandidates {
  neighbors: Neighbor[];
  popular: Popular[];
  artistTracks: Array<{ id: string; artistId: string }>;
  /** Catalog rows of every candidate that is published (the others are left out here). */
  meta: Map<string, TrackMeta>;
}

type CandidateRow = {
  source: "neighbor" | "popular" | "artist";
  key: string | null;
  id: string;
  score: number;
  title: string | null;
  artist_id: string | null;
  artist_name: string | null;
  explicit: boolean | null;
  genres: string[] | null;
  language: string | null;
};

/**
 * Every source of wave candidates and their catalog rows in one statement:
 * the neighbour lists of the seeds, popularity per segment and overall, the
 * most popular tracks of some artists. Rows of unpublished tracks still come
 * back (without catalog columns) so a segment's maximum stays the trainer's.
 */
export async function waveCandidates(db: Kysely<Database>, query: WaveCandidateQuery): Promise<WaveCandidates> {
  const segments = [...query.segments];
  const result = await sql<CandidateRow>`
    with cand as (
      select 'neighbor' as source, n.track_id::text as key, n.neighbor_id as id, n.score::float8 as score, n.rank as ord
      from recs.track_neighbors n where n.track_id = any(${[...query.seeds]}::uuid[]) and n.rank < ${query.perSeed}
      union all
      select 'popular', p.segment, p.track_id, p.score::float8, p.rank
      from recs.popular_tracks p
      where (p.segment = any(${segments}::text[]) and p.rank < ${query.segmentDepth}) or (p.segment = 'all' and p.rank < ${query.allDepth})
      union all
      select 'artist', artist_id::text, id, 0, n from (
        select t.id, t.artist_id, row_number() over (partition by t.artist_id order by coalesce(s.popularity, 0) desc, t.id) as n
        from catalog.tracks t left join catalog.track_stats s on s.track_id = t.id
        where t.artist_id = any(${[...query.artistIds]}::uuid[]) and t.status = 'published'
      ) ranked where n <= ${query.perArtist})
    select c.source, c.key, c.id, c.score, t.title, t.artist_id, a.name as artist_name, t.explicit, t.genres, t.language
    from cand c
    left join catalog.tracks t on t.id = c.id and t.status = 'published' and t.published_at is not null
    left join catalog.artists a on a.id = t.artist_id
    order by c.source, c.key, c.ord`.execute(db);
  const out: WaveCandidates = { neighbors: [], popular: [], artistTracks: [], meta: new Map() };
  for (const row of result.rows) {
    const key = row.key ?? "";
    if (row.source === "neighbor") out.neighbors.push({ seed: key, id: row.id, score: row.score });
    else if (row.source === "popular") out.popular.push({ segment: key, id: row.id, score: row.score });
    else out.artistTracks.push({ id: row.id, artistId: key });
    if (row.title !== null && row.artist_id !== null && !out.meta.has(row.id)) {
      out.meta.set(row.id, {
        id: row.id,
        title: row.title,
        artistId: row.artist_id,
        artistName: row.artist_name ?? "",
        explicit: row.explicit ?? false,
        genres: row.genres ?? [],
        language: row.language,
      });
    }
  }
  return out;
}
