/**
 * Rebuilds the search read model from the catalog, the source of truth.
 *
 * Upsert in place, in batches of catalog rows by id, each batch its own short
 * transaction: searches keep reading a complete index the whole time (MVCC,
 * no locks they wait on), no second copy of the tables is needed, and the
 * live indexer can keep running: documents only move forward (the
 * updated_at guard in upsertTrackDocuments), tombstones stay. A
 * build-and-swap would need the indexer paused or its changes replayed
 * into the new table, for no gain here.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import { addTerms, upsertTrackDocuments } from "./documents.ts";

export interface ReindexOptions {
  batchSize?: number;
  /** Called after every batch with tracks done so far and the total at the start. */
  onProgress?: (done: number, total: number) => void;
}

export interface ReindexResult {
  tracks: number;
  /** Documents turned into tombstones because their track no longer exists. */
  removed: number;
  artists: number;
  albums: number;
}

export async function reindex(db: Kysely<Database>, options: ReindexOptions = {}): Promise<ReindexResult> {
  const batchSize = options.batchSize ?? 5_000;
  const total = Number(
    (
      await db
        .selectFrom("catalog.tracks")
        .select((eb) => eb.fn.countAll<string>().as("count"))
        .executeTakeFirstOrThrow()
    ).count,
  );
  let done = 0;
  let last: string | null = null;
  options.onProgress?.(0, total);
  for (;;) {
    let query = db.selectFrom("catalog.tracks").select("id").orderBy("id").limit(batchSize);
    if (last !== null) query = query.where("id", ">", last);
    const ids = (await query.execute()).map((row) => row.id);
    if (ids.length === 0) break;
    await db.transaction().execute(async (trx) => {
      const changed = await upsertTrackDocuments(trx, sql`(select * from catalog.tracks where id = any(${sql.val(ids)}::uuid[]))`);
      await addTerms(trx, changed);
    });
    last = ids[ids.length - 1] ?? null;
    done += ids.length;
    options.onProgress?.(done, Math.max(total, done));
  }
  const removed = await sql`
    update search.tracks d set visible = false, source_updated_at = 'infinity', indexed_at = now()
    where d.source_updated_at <> 'infinity' and not exists (select 1 from catalog.tracks t where t.id = d.id)`.execute(db);
  const artists = await sql`
    insert into search.artists as s (id, name, image_key, track_count, popularity, name_latin, tsv, sound, indexed_at)
    select a.id, a.name, a.image_key, coalesce(agg.tracks, 0), coalesce(agg.popularity, 0),
      search.search_key(a.name), search.weighted_vector(a.name, 'A'), to_tsvector('simple', search.sound(search.search_key(a.name))), now()
    from catalog.artists a
    left join (
      select credited.id, count(*)::int as tracks, sum(d.popularity) as popularity
      from search.tracks d, unnest(d.artist_ids) as credited (id) where d.visible group by credited.id
    ) agg on agg.id = a.id
    on conflict (id) do update set name = excluded.name, image_key = excluded.image_key, track_count = excluded.track_count,
      popularity = excluded.popularity, name_latin = excluded.name_latin, tsv = excluded.tsv, sound = excluded.sound, indexed_at = excluded.indexed_at`.execute(
    db,
  );
  const albums = await sql`
    insert into search.albums as s (id, title, artist_id, artist_name, kind, release_date, cover_key, track_count, popularity, title_latin, tsv, sound, indexed_at)
    select al.id, al.title, al.artist_id, ar.name, al.kind, al.release_date, al.cover_key, coalesce(agg.tracks, 0), coalesce(agg.popularity, 0),
      search.search_key(al.title), search.weighted_vector(al.title, 'A') || search.weighted_vector(ar.name, 'B'),
      to_tsvector('simple', search.sound(search.search_key(concat_ws(' ', al.title, ar.name)))), now()
    from catalog.albums al
    join catalog.artists ar on ar.id = al.artist_id
    left join (
      select d.album_id, count(*)::int as tracks, sum(d.popularity) as popularity from search.tracks d where d.visible and d.album_id is not null group by d.album_id
    ) agg on agg.album_id = al.id
    on conflict (id) do update set title = excluded.title, artist_id = excluded.artist_id, artist_name = excluded.artist_name,
      kind = excluded.kind, release_date = excluded.release_date, cover_key = excluded.cover_key, track_count = excluded.track_count,
      popularity = excluded.popularity, title_latin = excluded.title_latin, tsv = excluded.tsv, sound = excluded.sound, indexed_at = excluded.indexed_at`.execute(
    db,
  );
  // Artists and albums gone from the catalog stop matching.
  await sql`update search.artists s set track_count = 0 where not exists (select 1 from catalog.artists a where a.id = s.id)`.execute(db);
  await sql`update search.albums s set track_count = 0 where not exists (select 1 from catalog.albums a where a.id = s.id)`.execute(db);
  // Upserting every document leaves as many dead row versions: reclaim them, and settle GIN's pending list.
  await sql`vacuum (analyze) search.tracks, search.artists, search.albums, search.terms`.execute(db);
  return {
    tracks: done,
    removed: Number(removed.numAffectedRows ?? 0),
    artists: Number(artists.numAffectedRows ?? 0),
    albums: Number(albums.numAffectedRows ?? 0),
  };
}
