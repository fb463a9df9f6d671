/**
 * Reads of the catalog for the edge: published tracks only, with their
 * credited artists and album in one statement per request.
 */
import { sql, type Kysely, type RawBuilder } from "kysely";
import type { Database } from "../../shared/db/database.ts";

export interface TrackRecord {
  id: string;
  title: string;
  artists: Array<{ id: string; name: string; role: string }>;
  album_id: string | null;
  album_title: string | null;
  cover_key: string | null;
  position: number | null;
  duration_ms: number;
  explicit: boolean;
  genres: string[];
  language: string | null;
  isrc: string | null;
  /** RFC 3339 with microseconds: also the exact keyset position. */
  published_at: string;
}

export interface TrackFilters {
  artistId?: string | undefined;
  albumId?: string | undefined;
  genre?: string | undefined;
  language?: string | undefined;
  explicit?: boolean | undefined;
}

const utcMicros = (column: RawBuilder<unknown>) => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function selectTracks(where: RawBuilder<unknown>, orderAndLimit: RawBuilder<unknown>, before: RawBuilder<unknown> = sql``) {
  return sql<TrackRecord>`
    ${before}
    select t.id, t.title, t.position, t.duration_ms, t.explicit, t.genres, t.language, t.isrc,
      ${utcMicros(sql`t.published_at`)} as published_at,
      al.id as album_id, al.title as album_title, al.cover_key,
      (select json_agg(json_build_object('id', a.id, 'name', a.name, 'role', c.role) order by c.ord)
       from (select t.artist_id, 'main' as role, 0 as ord
             union all
             select ta.artist_id, ta.role, ta.position from catalog.track_artists ta where ta.track_id = t.id and ta.artist_id <> t.artist_id) c
       join catalog.artists a on a.id = c.artist_id) as artists
    from catalog.tracks t
    left join catalog.albums al on al.id = t.album_id
    where t.status = 'published' and t.published_at is not null and ${where}
    ${orderAndLimit}`;
}

/** Newest first; `after` is the last item's (published_at, id) of the previous page. */
export async function listTracks(db: Kysely<Database>, filters: TrackFilters, limit: number, after?: { at: string; id: string }): Promise<TrackRecord[]> {
  const conditions: RawBuilder<unknown>[] = [sql`true`];
  if (filters.artistId) {
    conditions.push(sql`(t.artist_id = ${filters.artistId} or exists (
      select 1 from catalog.track_artists ta where ta.track_id = t.id and ta.artist_id = ${filters.artistId}))`);
  }
  if (filters.albumId) conditions.push(sql`t.album_id = ${filters.albumId}`);
  if (filters.genre) conditions.push(sql`t.genres @> array[${filters.genre}]::text[]`);
  if (filters.language) conditions.push(sql`t.language = ${filters.language}`);
  if (filters.explicit !== undefined) conditions.push(sql`t.explicit = ${filters.explicit}`);
  if (after) conditions.push(sql`(t.published_at, t.id) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  const result = await selectTracks(sql.join(conditions, sql` and `), sql`order by t.published_at desc, t.id desc limit ${limit}`).execute(db);
  return result.rows;
}

export async function findTrack(db: Kysely<Database>, id: string): Promise<TrackRecord | undefined> {
  return (await selectTracks(sql`t.id = ${id}`, sql``).execute(db)).rows[0];
}

/**
 * Published tracks by id, in the order of `ids` (unknown and unpublished ones left out).
 * `before`: a `with … as (…)` clause run in the same statement — a write that
 * belongs with this read (the wave's served rows) costs no extra round trip.
 */
export async function findTracks(db: Kysely<Database>, ids: readonly string[], before?: RawBuilder<unknown>): Promise<TrackRecord[]> {
  if (ids.length === 0) return [];
  const rows = (await selectTracks(sql`t.id = any(${[...ids]}::uuid[])`, sql``, before).execute(db)).rows;
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export interface AlbumRecord {
  id: string;
  title: string;
  kind: string;
  release_date: string | null;
  cover_key: string | null;
  genres: string[];
  artist_id: string;
  artist_name: string;
  status: "published" | "taken_down";
}

export async function findAlbum(db: Kysely<Database>, id: string): Promise<{ album: AlbumRecord; tracks: TrackRecord[] } | undefined> {
  const album = (
    await sql<AlbumRecord>`
      select al.id, al.title, al.kind, to_char(al.release_date, 'YYYY-MM-DD') as release_date, al.cover_key, al.genres, ar.id as artist_id, ar.name as artist_name, al.status
      from catalog.albums al join catalog.artists ar on ar.id = al.artist_id where al.id = ${id}`.execute(db)
  ).rows[0];
  if (!album) return undefined;
  const tracks = (await selectTracks(sql`t.album_id = ${id}`, sql`order by t.position nulls last, t.title, t.id`).execute(db)).rows;
  return { album, tracks };
}

export interface ArtistRecord {
  id: string;
  name: string;
  bio: string | null;
  image_key: string | null;
  /** Set when this profile was merged into another: callers redirect there. */
  merged_into: string | null;
}

/** The artist with their most popular published tracks (catalog.track_stats; ties: newest first). */
export async function findArtist(db: Kysely<Database>, id: string, topLimit: number): Promise<{ artist: ArtistRecord; topTracks: TrackRecord[] } | undefined> {
  const artist = await db.selectFrom("catalog.artists").select(["id", "name", "bio", "image_key", "merged_into"]).where("id", "=", id).executeTakeFirst();
  if (!artist) return undefined;
  if (artist.merged_into) return { artist, topTracks: [] };
  const topTracks = (
    await selectTracks(
      sql`(t.artist_id = ${id} or exists (select 1 from catalog.track_artists ta where ta.track_id = t.id and ta.artist_id = ${id}))`,
      sql`order by (select coalesce(s.popularity, 0) from catalog.track_stats s where s.track_id = t.id) desc nulls last, t.published_at desc, t.id limit ${topLimit}`,
    ).execute(db)
  ).rows;
  return { artist, topTracks };
}
