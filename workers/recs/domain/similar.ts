/**
 * Similar tracks and artists: the trainer's neighbours first; when there are
 * too few (a new track, no model yet) content similarity fills up — the same
 * artist, then the same genres by popularity. Never the item itself.
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "../../../shared/db/database.ts";

/** One statement: the track check, its neighbours, and the content fill (the caller then reads the records). */
export async function similarTrackIds(db: Kysely<Database>, trackId: string, limit: number): Promise<string[] | undefined> {
  const result = await sql<{ found: boolean; neighbors: string[]; content: string[] }>`
    with track as (select artist_id, genres from catalog.tracks where id = ${trackId} and status = 'published'),
    neighbors as (
      select neighbor_id as id, rank from recs.track_neighbors
      where track_id = ${trackId} and neighbor_id <> ${trackId} and exists (select 1 from track)
      order by rank limit ${limit * 2}),
    content as (
      select t.id, row_number() over (
          order by (t.artist_id = x.artist_id) desc,
            cardinality(array(select unnest(t.genres) intersect select unnest(x.genres))) desc,
            coalesce(s.popularity, 0) desc, t.id) as ord
      from track x cross join catalog.tracks t left join catalog.track_stats s on s.track_id = t.id
      where t.status = 'published' and t.id <> ${trackId} and (t.artist_id = x.artist_id or t.genres && x.genres)
      order by ord limit ${limit})
    select exists (select 1 from track) as found,
      coalesce((select json_agg(id order by rank) from neighbors), '[]') as neighbors,
      coalesce((select json_agg(id order by ord) from content), '[]') as content`.execute(db);
  const row = result.rows[0];
  if (!row?.found) return undefined;
  return [...new Set([...row.neighbors, ...row.content])].filter((id) => id !== trackId);
}

export interface SimilarArtist {
  id: string;
  name: string;
}

/** One statement (one round trip from the Worker): the artist check, the trained neighbours, the content fill. */
export async function similarArtists(db: Kysely<Database>, artistId: string, limit: number): Promise<SimilarArtist[] | undefined> {
  const result = await sql<{ found: boolean; neighbors: SimilarArtist[]; content: SimilarArtist[] }>`
    with artist as (select id from catalog.artists where id = ${artistId} and merged_into is null),
    neighbors as (
      select a.id, a.name, n.rank from recs.artist_neighbors n join catalog.artists a on a.id = n.neighbor_id
      where n.artist_id = ${artistId} and n.neighbor_id <> ${artistId} and a.merged_into is null and exists (select 1 from artist)
        and exists (select 1 from catalog.tracks t where t.artist_id = a.id and t.status = 'published')
      order by n.rank limit ${limit}),
    -- Content similarity: artists sharing the most genres with this artist's published tracks.
    mine as (
      select distinct unnest(genres) as genre from catalog.tracks
      where artist_id = ${artistId} and status = 'published' and exists (select 1 from artist)),
    content as (
      select a.id, a.name, row_number() over (order by count(*) desc, a.id) as ord
      from catalog.tracks t join catalog.artists a on a.id = t.artist_id
      cross join lateral unnest(t.genres) g(genre)
      where t.status = 'published' and t.artist_id <> ${artistId} and a.merged_into is null and g.genre in (select genre from mine)
      group by a.id, a.name order by ord limit ${limit})
    select exists (select 1 from artist) as found,
      coalesce((select json_agg(json_build_object('id', id, 'name', name) order by rank) from neighbors), '[]') as neighbors,
      coalesce((select json_agg(json_build_object('id', id, 'name', name) order by ord) from content), '[]') as content`.execute(db);
  const row = result.rows[0];
  if (!row?.found) return undefined;
  const seen = new Set<string>();
  const out: SimilarArtist[] = [];
  for (const artist of [...row.neighbors, ...row.content]) {
    if (artist.id === artistId || seen.has(artist.id)) continue;
    seen.add(artist.id);
    out.push(artist);
  }
  return out.slice(0, limit);
}
