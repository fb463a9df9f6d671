/**
 * Reads the Subsonic API needs that TUNEC's JSON API has no query for: albums
 * in the orders of getAlbumList2, the artist index, genres with counts, random
 * songs, extra per-track details (rendition, year, plays) and which items the
 * listener starred. Tracks themselves come from the catalog's repository.
 * Every list has a hard limit, whatever a client asks.
 */
import { sql, type Kysely, type RawBuilder } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { LikeTargetKind } from "../../shared/db/users.table.ts";

export interface AlbumSummary {
  id: string;
  title: string;
  kind: string;
  cover_key: string | null;
  genres: string[];
  year: number | null;
  release_date: string | null;
  artist_id: string;
  artist_name: string;
  song_count: number;
  /** Seconds. */
  duration: number;
  created: string;
  plays: number;
  explicit: boolean;
}

export interface ArtistSummary {
  id: string;
  name: string;
  image_key: string | null;
  album_count: number;
}

const utc = (column: RawBuilder<unknown>) => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
const publishedTrack = sql`t.status = 'published' and t.published_at is not null`;

function selectAlbums(where: RawBuilder<unknown>, tail: RawBuilder<unknown>, joins: RawBuilder<unknown> = sql``) {
  return sql<AlbumSummary>`
    select al.id, al.title, al.kind, al.cover_key, al.genres,
      extract(year from al.release_date)::int as year, to_char(al.release_date, 'YYYY-MM-DD') as release_date,
      ar.id as artist_id, ar.name as artist_name,
      s.song_count, s.duration, ${utc(sql`al.created_at`)} as created, s.plays, s.explicit
    from catalog.albums al
    join catalog.artists ar on ar.id = al.artist_id
    ${joins}
    cross join lateral (
      select count(*)::int as song_count, (coalesce(sum(t.duration_ms), 0) / 1000)::int as duration,
        coalesce(bool_or(t.explicit), false) as explicit,
        coalesce(sum(st.plays), 0)::float8 as plays
      from catalog.tracks t left join catalog.track_stats st on st.track_id = t.id
      where t.album_id = al.id and ${publishedTrack}
    ) s
    where al.status = 'published' and s.song_count > 0 and ${where}
    ${tail}`;
}

export async function findAlbumSummaries(db: Kysely<Database>, ids: readonly string[]): Promise<AlbumSummary[]> {
  if (ids.length === 0) return [];
  const rows = (await selectAlbums(sql`al.id = any(${[...ids]}::uuid[])`, sql``).execute(db)).rows;
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function albumsOfArtist(db: Kysely<Database>, artistId: string, limit: number): Promise<AlbumSummary[]> {
  return (
    await selectAlbums(sql`al.artist_id = ${artistId}`, sql`order by al.release_date desc nulls last, al.created_at desc, al.id limit ${limit}`).execute(db)
  ).rows;
}

export type AlbumListType =
  | { type: "random" }
  | { type: "newest" }
  | { type: "highest" }
  | { type: "frequent" }
  | { type: "recent"; userId: string }
  | { type: "starred"; userId: string }
  | { type: "alphabeticalByName" }
  | { type: "alphabeticalByArtist" }
  | { type: "byYear"; fromYear: number; toYear: number }
  | { type: "byGenre"; genre: string };

/** One page of getAlbumList2 in the order its `type` names. */
export async function albumList(db: Kysely<Database>, list: AlbumListType, size: number, offset: number): Promise<AlbumSummary[]> {
  const page = sql`limit ${size} offset ${offset}`;
  let where: RawBuilder<unknown> = sql`true`;
  let joins: RawBuilder<unknown> = sql``;
  let order: RawBuilder<unknown>;
  switch (list.type) {
    case "random":
      order = sql`order by random()`;
      break;
    case "newest":
      order = sql`order by al.created_at desc, al.id desc`;
      break;
    // TUNEC has no ratings; "highest" is the most popular (catalog.track_stats), as its closest meaning.
    case "highest":
      order = sql`order by (select coalesce(sum(st.popularity), 0) from catalog.track_stats st join catalog.tracks t on t.id = st.track_id where t.album_id = al.id) desc, al.id`;
      break;
    case "frequent":
      order = sql`order by s.plays desc, al.id`;
      break;
    case "recent":
      joins = sql`join (
        select t.album_id, max(h.started_at) as last_played
        from (select track_id, started_at from users.listening_history where user_id = ${list.userId} order by started_at desc limit 2000) h
        join catalog.tracks t on t.id = h.track_id where t.album_id is not null group by t.album_id
      ) r on r.album_id = al.id`;
      order = sql`order by r.last_played desc, al.id`;
      break;
    case "starred":
      joins = sql`join users.likes l on l.target_id = al.id and l.target_kind = 'album' and l.user_id = ${list.userId}`;
      order = sql`order by l.created_at desc, al.id`;
      break;
    case "alphabeticalByName":
      order = sql`order by lower(al.title), al.id`;
      break;
    case "alphabeticalByArtist":
      order = sql`order by lower(ar.name), lower(al.title), al.id`;
      break;
    case "byYear": {
      const [low, high] = list.fromYear <= list.toYear ? [list.fromYear, list.toYear] : [list.toYear, list.fromYear];
      where = sql`extract(year from al.release_date) between ${low} and ${high}`;
      // The spec: a reversed range lists newest first.
      order = list.fromYear <= list.toYear ? sql`order by al.release_date, al.id` : sql`order by al.release_date desc, al.id`;
      break;
    }
    case "byGenre":
      where = sql`(al.genres @> array[${list.genre}]::text[] or exists (
        select 1 from catalog.tracks t where t.album_id = al.id and ${publishedTrack} and t.genres @> array[${list.genre}]::text[]))`;
      order = sql`order by lower(al.title), al.id`;
      break;
  }
  return (await selectAlbums(where, sql`${order} ${page}`, joins).execute(db)).rows;
}

/** Artists with at least one published track, by name; `limit` bounds a huge catalog. */
export async function artistIndex(db: Kysely<Database>, limit: number): Promise<ArtistSummary[]> {
  const result = await sql<ArtistSummary>`
    select ar.id, ar.name, ar.image_key,
      (select count(*) from catalog.albums al where al.artist_id = ar.id and al.status = 'published'
         and exists (select 1 from catalog.tracks t where t.album_id = al.id and ${publishedTrack}))::int as album_count
    from catalog.artists ar
    where ar.merged_into is null and exists (select 1 from catalog.tracks t where t.artist_id = ar.id and ${publishedTrack})
    order by lower(ar.name), ar.id
    limit ${limit}`.execute(db);
  return result.rows;
}

export async function findArtistSummaries(db: Kysely<Database>, ids: readonly string[]): Promise<ArtistSummary[]> {
  if (ids.length === 0) return [];
  const result = await sql<ArtistSummary>`
    select ar.id, ar.name, ar.image_key,
      (select count(*) from catalog.albums al where al.artist_id = ar.id and al.status = 'published'
         and exists (select 1 from catalog.tracks t where t.album_id = al.id and ${publishedTrack}))::int as album_count
    from catalog.artists ar where ar.id = any(${[...ids]}::uuid[]) and ar.merged_into is null`.execute(db);
  const byId = new Map(result.rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export interface GenreCount {
  name: string;
  song_count: number;
  album_count: number;
}

export async function genreCounts(db: Kysely<Database>, limit: number): Promise<GenreCount[]> {
  const result = await sql<GenreCount>`
    select g.name, count(*)::int as song_count, count(distinct t.album_id)::int as album_count
    from catalog.tracks t cross join lateral unnest(t.genres) as g(name)
    where ${publishedTrack}
    group by g.name order by song_count desc, g.name limit ${limit}`.execute(db);
  return result.rows;
}

export interface RandomFilter {
  genre?: string | undefined;
  fromYear?: number | undefined;
  toYear?: number | undefined;
}

/**
 * Ids of up to `size` random published tracks. A random pivot in the id space
 * and an index walk from it (wrapping around), instead of `order by random()`
 * over the whole catalog; the page is then shuffled.
 */
export async function randomTrackIds(db: Kysely<Database>, size: number, filter: RandomFilter): Promise<string[]> {
  const conditions: RawBuilder<unknown>[] = [publishedTrack];
  if (filter.genre) conditions.push(sql`t.genres @> array[${filter.genre}]::text[]`);
  if (filter.fromYear !== undefined || filter.toYear !== undefined) {
    conditions.push(sql`exists (select 1 from catalog.albums al where al.id = t.album_id
      and extract(year from al.release_date) between ${filter.fromYear ?? 0} and ${filter.toYear ?? 9999})`);
  }
  const where = sql.join(conditions, sql` and `);
  const pivot = crypto.randomUUID();
  const result = await sql<{ id: string }>`
    (select t.id from catalog.tracks t where ${where} and t.id >= ${pivot}::uuid order by t.id limit ${size})
    union all
    (select t.id from catalog.tracks t where ${where} and t.id < ${pivot}::uuid order by t.id limit ${size})`.execute(db);
  const ids = result.rows.slice(0, size).map((row) => row.id);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [ids[i], ids[j]] = [ids[j] ?? "", ids[i] ?? ""];
  }
  return ids;
}

/** getSongsByGenre's page; the builder is exported so a test can EXPLAIN it against the GIN index (migration 0151). */
export function trackIdsByGenreQuery(db: Kysely<Database>, genre: string, count: number, offset: number) {
  return db
    .selectFrom("catalog.tracks")
    .select("id")
    .where("status", "=", "published")
    .where("published_at", "is not", null)
    .where(sql<boolean>`genres @> array[${genre}]::text[]`)
    .orderBy("published_at", "desc")
    .orderBy("id", "desc")
    .limit(count)
    .offset(offset);
}

export async function trackIdsByGenre(db: Kysely<Database>, genre: string, count: number, offset: number): Promise<string[]> {
  const rows = await trackIdsByGenreQuery(db, genre, count, offset).execute();
  return rows.map((row) => row.id);
}

/** What a Subsonic `Child` shows beyond the catalog's track: the file served by default, the album's year, plays. */
export interface TrackExtras {
  id: string;
  year: number | null;
  plays: number;
  codec: string | null;
  bitrate_kbps: number | null;
  size_bytes: number | null;
  /** Integrated loudness of that file (EBU R128), the source of ReplayGain. */
  loudness_lufs: number | null;
}

export async function trackExtras(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, TrackExtras>> {
  if (ids.length === 0) return new Map();
  const result = await sql<TrackExtras>`
    select t.id, extract(year from al.release_date)::int as year, coalesce(st.plays, 0)::float8 as plays,
      r.codec, r.bitrate_kbps, r.size_bytes::float8 as size_bytes, r.loudness_lufs::float8 as loudness_lufs
    from catalog.tracks t
    left join catalog.albums al on al.id = t.album_id
    left join catalog.track_stats st on st.track_id = t.id
    left join lateral (
      select r.codec, r.bitrate_kbps, r.size_bytes, r.loudness_lufs from catalog.renditions r where r.track_id = t.id
      order by (r.quality = 'standard') desc limit 1
    ) r on true
    where t.id = any(${[...ids]}::uuid[])`.execute(db);
  return new Map(result.rows.map((row) => [row.id, row]));
}

/** When the listener starred (liked) each of `ids`, RFC 3339; absent = not starred. */
export async function starredAt(db: Kysely<Database>, userId: string, kind: LikeTargetKind, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom("users.likes")
    .select(["target_id", utc(sql`created_at`).as("at")])
    .where("user_id", "=", userId)
    .where("target_kind", "=", kind)
    .where("target_id", "in", [...new Set(ids)])
    .execute();
  return new Map(rows.map((row) => [row.target_id, row.at]));
}

/** The catalog object a cover art id names: `al-<album>`, `ar-<artist>` or a track (its album's cover). */
export async function coverKeyOf(db: Kysely<Database>, coverId: string): Promise<string | null> {
  const match = /^(al|ar|tr)-([0-9a-f-]{36})$/i.exec(coverId);
  if (!match?.[2]) return null;
  const id = match[2];
  if (match[1] === "ar") {
    const row = await db.selectFrom("catalog.artists").select("image_key").where("id", "=", id).executeTakeFirst();
    return row?.image_key ?? null;
  }
  if (match[1] === "al") {
    const row = await db.selectFrom("catalog.albums").select("cover_key").where("id", "=", id).where("status", "=", "published").executeTakeFirst();
    return row?.cover_key ?? null;
  }
  const row = await db
    .selectFrom("catalog.tracks as t")
    .innerJoin("catalog.albums as al", "al.id", "t.album_id")
    .select("al.cover_key")
    .where("t.id", "=", id)
    .where("t.status", "=", "published")
    .executeTakeFirst();
  return row?.cover_key ?? null;
}

/** The genres of an artist's, album's or song's published tracks (whichever `id` names), most used first. */
export async function genresOf(db: Kysely<Database>, id: string): Promise<string[]> {
  const result = await sql<{ genre: string }>`
    select g.genre from (
      select unnest(t.genres) as genre from catalog.tracks t
      where ${publishedTrack} and (t.id = ${id} or t.album_id = ${id} or t.artist_id = ${id})
    ) g
    group by g.genre order by count(*) desc, g.genre limit 5`.execute(db);
  return result.rows.map((row) => row.genre);
}

/** Popular published tracks sharing a genre, the item's own tracks left out (similar is something else). */
export async function popularInGenres(db: Kysely<Database>, genres: readonly string[], excludeOf: string, limit: number): Promise<string[]> {
  if (genres.length === 0) return [];
  const result = await sql<{ id: string }>`
    select t.id from catalog.tracks t left join catalog.track_stats st on st.track_id = t.id
    where ${publishedTrack} and t.genres && ${[...genres]}::text[]
      and t.id <> ${excludeOf} and t.album_id is distinct from ${excludeOf}::uuid and t.artist_id <> ${excludeOf}
    order by coalesce(st.popularity, 0) desc, t.published_at desc, t.id limit ${limit}`.execute(db);
  return result.rows.map((row) => row.id);
}

/** Artists whose published tracks share the genres, by their tracks' popularity. */
export async function artistsInGenres(db: Kysely<Database>, genres: readonly string[], excludeArtist: string, limit: number): Promise<string[]> {
  if (genres.length === 0 || limit === 0) return [];
  const result = await sql<{ id: string }>`
    select t.artist_id as id from catalog.tracks t left join catalog.track_stats st on st.track_id = t.id
    join catalog.artists ar on ar.id = t.artist_id and ar.merged_into is null
    where ${publishedTrack} and t.genres && ${[...genres]}::text[] and t.artist_id <> ${excludeArtist}
    group by t.artist_id order by sum(coalesce(st.popularity, 0)) desc, t.artist_id limit ${limit}`.execute(db);
  return result.rows.map((row) => row.id);
}

/** The main artist of an artist, album or song id. */
export async function artistIdOf(db: Kysely<Database>, id: string): Promise<string | undefined> {
  const result = await sql<{ artist_id: string }>`
    select coalesce(ar.merged_into, ar.id) as artist_id from catalog.artists ar where ar.id = ${id}
    union all select al.artist_id from catalog.albums al where al.id = ${id} and al.status = 'published'
    union all select t.artist_id from catalog.tracks t where t.id = ${id} and t.status = 'published'
    limit 1`.execute(db);
  return result.rows[0]?.artist_id;
}
