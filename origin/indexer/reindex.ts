/**
 * Rebuilds the search read model from the catalog, the source of truth.
 *
 * Tracks are built into a new table and swapped in: searches keep reading
 * the old search.tracks the whole time, and the swap itself is one short
 * transaction.
 *
 *  1. search.tracks_reindex: an UNLOGGED copy of search.tracks' columns with
 *     no index and no trigger, filled from the catalog in batches (the
 *     progress bar), `concurrency` batches at a time. With no index to
 *     maintain, no conflict to check and no WAL, a batch costs only the
 *     building of its documents (documents.ts).
 *  2. SET LOGGED (one sequential copy), then the indexes of search.tracks,
 *     rebuilt from its own definitions (pg_indexes), so a migration adding an
 *     index needs no change here; then ANALYZE.
 *  3. Merge what the live indexer wrote meanwhile: documents indexed since
 *     the build started (less a margin for transactions in flight), which win
 *     when at least as new (the same updated_at guard as the indexer), and
 *     every tombstone; a live document of a track gone from the catalog
 *     becomes a tombstone. Changed documents are noted for OpenSearch.
 *  4. Swap: lock search.tracks against writes (searches go on), merge once
 *     more what was indexed since step 3 began, drop the old table, rename the
 *     new one and its indexes, recreate the old table's triggers. Readers wait
 *     only for the drop and the renames.
 *
 * Artists, albums and the vocabulary are then rebuilt in place from the new
 * documents (upserts: they are small).
 *
 * One reindex at a time: a second one drops the first's table, which then
 * fails at its swap and leaves the read model as it was.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import { trackDocumentColumns, trackDocuments } from "./documents.ts";

export interface ReindexOptions {
  batchSize?: number;
  /** Batches built at the same time (separate connections of the pool). */
  concurrency?: number;
  /** Called after every batch with tracks done so far and the total at the start; a promise it returns is awaited. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

export interface ReindexResult {
  tracks: number;
  /** Documents turned into tombstones because their track no longer exists. */
  removed: number;
  artists: number;
  albums: number;
}

const next = "search.tracks_reindex";
// A transaction that began this long before a merge may commit after it: its documents are merged again.
const mergeMarginMs = 60_000;

const columns = [
  "id",
  "visible",
  "source_updated_at",
  "title",
  "artist_id",
  "artist_ids",
  "artist_names",
  "album_id",
  "album_title",
  "cover_key",
  "position",
  "duration_ms",
  "explicit",
  "genres",
  "language",
  "popularity",
  "published_at",
  "title_latin",
  "names_latin",
  "tsv",
  "sound",
  "indexed_at",
] as const;
// What OpenSearch is shipped (opensearch-sync.ts readDocuments): a document differing in these is noted for it.
const shippedColumns = [
  "visible",
  "source_updated_at",
  "explicit",
  "popularity",
  "title",
  "title_latin",
  "names_latin",
  "artist_ids",
  "artist_names",
  "album_id",
  "album_title",
  "cover_key",
  "duration_ms",
  "genres",
  "language",
] as const;

const databaseNow = async (db: Kysely<Database>) => (await sql<{ now: Date }>`select clock_timestamp() as now`.execute(db)).rows[0]?.now ?? new Date();

/** Batches of catalog track ids in id order, handed out one at a time to concurrent builders. */
function idBatches(db: Kysely<Database>, batchSize: number): () => Promise<string[]> {
  let last: string | null = null;
  let pending: Promise<string[]> = Promise.resolve([]);
  return () => {
    pending = pending.then(async () => {
      let query = db.selectFrom("catalog.tracks").select("id").orderBy("id").limit(batchSize);
      if (last !== null) query = query.where("id", ">", last);
      const ids = (await query.execute()).map((row) => row.id);
      last = ids[ids.length - 1] ?? last;
      return ids;
    });
    return pending;
  };
}

// A live document whose track has left the catalog is merged as a tombstone (`gone`).
const mergedValue: Partial<Record<(typeof columns)[number], string>> = {
  visible: "o.visible and not gone.now",
  source_updated_at: "case when gone.now then 'infinity'::timestamptz else o.source_updated_at end",
  indexed_at: "case when gone.now then now() else o.indexed_at end",
};

/**
 * Upserts into the new table the documents of search.tracks indexed since `since`, and with `all` every tombstone and
 * every live document whose track has left the catalog (as a tombstone). The newer document wins, as in the indexer.
 */
async function merge(db: Kysely<Database>, since: Date, all: boolean): Promise<void> {
  const gone = all ? sql`o.source_updated_at <> 'infinity' and not exists (select 1 from catalog.tracks t where t.id = o.id)` : sql`false`;
  await sql`
    insert into ${sql.raw(next)} as d (${sql.raw(columns.join(", "))})
    select ${sql.raw(columns.map((column) => mergedValue[column] ?? `o.${column}`).join(", "))}
    from search.tracks o
    cross join lateral (select ${gone} as now) gone
    where o.indexed_at >= ${since} ${all ? sql`or o.source_updated_at = 'infinity' or gone.now` : sql``}
    on conflict (id) do update set ${sql.raw(
      columns
        .filter((column) => column !== "id")
        .map((column) => `${column} = excluded.${column}`)
        .join(", "),
    )}
    where d.source_updated_at <= excluded.source_updated_at`.execute(db);
}

export async function reindex(db: Kysely<Database>, options: ReindexOptions = {}): Promise<ReindexResult> {
  const batchSize = options.batchSize ?? 5_000;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const total = Number(
    (
      await db
        .selectFrom("catalog.tracks")
        .select((eb) => eb.fn.countAll<string>().as("count"))
        .executeTakeFirstOrThrow()
    ).count,
  );
  // What the old table carries besides its columns, read before anything changes.
  const indexes = (
    await sql<{ name: string; definition: string; primary: boolean }>`
      select i.indexname as name, i.indexdef as definition, coalesce(c.contype = 'p', false) as primary
      from pg_indexes i
      left join pg_constraint c on c.conrelid = 'search.tracks'::regclass and c.conname = i.indexname
      where i.schemaname = 'search' and i.tablename = 'tracks'`.execute(db)
  ).rows;
  const triggers = (
    await sql<{ definition: string }>`
      select pg_get_triggerdef(oid) as definition from pg_trigger where tgrelid = 'search.tracks'::regclass and not tgisinternal`.execute(db)
  ).rows;

  const startedAt = await databaseNow(db);
  await sql`drop table if exists ${sql.raw(next)}`.execute(db);
  await sql`create unlogged table ${sql.raw(next)} (like search.tracks including defaults including constraints)`.execute(db);
  let done = 0;
  await options.onProgress?.(0, total);
  const nextBatch = idBatches(db, batchSize);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const ids = await nextBatch();
        if (ids.length === 0) return;
        await sql`
          insert into ${sql.raw(next)} (${trackDocumentColumns})
          ${trackDocuments(sql`(select * from catalog.tracks where id = any(${sql.val(ids)}::uuid[]))`)}`.execute(db);
        done += ids.length;
        await options.onProgress?.(done, Math.max(total, done));
      }
    }),
  );

  await sql`alter table ${sql.raw(next)} set logged`.execute(db);
  for (const index of indexes) {
    const definition = index.definition.replace(/^(CREATE (?:UNIQUE )?INDEX )(\S+)( ON )search\.tracks /, `$1$2_reindex$3${next} `);
    if (definition === index.definition) throw new Error(`cannot rebuild index ${index.name}: ${index.definition}`);
    await db.transaction().execute(async (trx) => {
      // GIN builds are far faster with room for their pending entries.
      await sql`set local maintenance_work_mem = '256MB'`.execute(trx);
      await sql.raw(definition).execute(trx);
      if (index.primary) await sql.raw(`alter table ${next} add constraint ${index.name}_reindex primary key using index ${index.name}_reindex`).execute(trx);
    });
  }
  await sql`analyze ${sql.raw(next)}`.execute(db);

  const mergeStartedAt = await databaseNow(db);
  const removed = Number(
    (
      await sql<{ n: string }>`
        select count(*) as n from search.tracks o
        where o.source_updated_at <> 'infinity' and not exists (select 1 from catalog.tracks t where t.id = o.id)`.execute(db)
    ).rows[0]?.n ?? 0,
  );
  await merge(db, new Date(startedAt.getTime() - mergeMarginMs), true);
  // Only when OpenSearch is fed (migrations/0170): the documents the rebuild changed are shipped; the others already are,
  // and what the live indexer wrote meanwhile was noted by the old table's triggers.
  if (await db.selectFrom("search.opensearch_sync").select("name").limit(1).executeTakeFirst())
    await sql`
      insert into search.opensearch_pending (kind, id)
      select 'tracks', n.id from ${sql.raw(next)} n left join search.tracks o on o.id = n.id
      where o.id is null or (${sql.raw(shippedColumns.map((column) => `n.${column}`).join(", "))})
        is distinct from (${sql.raw(shippedColumns.map((column) => `o.${column}`).join(", "))})
      on conflict (kind, id) do update set seq = nextval('search.opensearch_pending_seq')`.execute(db);

  await db.transaction().execute(async (trx) => {
    // Waiting for a lock queues every search behind it: give up instead, and keep the old table.
    await sql`set local lock_timeout = '10s'`.execute(trx);
    await sql`lock table search.tracks in exclusive mode`.execute(trx);
    // Writes are blocked now: the documents written since the merge began are all committed.
    await merge(trx, new Date(mergeStartedAt.getTime() - mergeMarginMs), false);
    await sql`drop table search.tracks`.execute(trx);
    await sql`alter table ${sql.raw(next)} rename to tracks`.execute(trx);
    for (const index of indexes) await sql.raw(`alter index search.${index.name}_reindex rename to ${index.name}`).execute(trx);
    for (const trigger of triggers) await sql.raw(trigger.definition).execute(trx);
  });

  await sql`
    insert into search.terms (term)
    select distinct word from search.tracks d, unnest(tsvector_to_array(to_tsvector('simple', d.names_latin))) as word
    where d.visible and word ~ '^[a-z0-9]+$'
    on conflict do nothing`.execute(db);
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
  // The upserts leave as many dead row versions: reclaim them, and settle GIN's pending list.
  await sql`vacuum (analyze) search.artists, search.albums, search.terms`.execute(db);
  return {
    tracks: done,
    removed,
    artists: Number(artists.numAffectedRows ?? 0),
    albums: Number(albums.numAffectedRows ?? 0),
  };
}
