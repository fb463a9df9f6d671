/**
 * Ships search documents from the PostgreSQL read model to OpenSearch.
 *
 * The documents are built once, in SQL, by the indexer (apply.ts) and by
 * reindex (the project's transliteration, search.search_key, runs there);
 * triggers note every changed document in search.opensearch_pending
 * (migrations/0170) in the same transaction, and the pump here ships the
 * notes with the bulk API.
 *
 * Idempotent and order-proof through external versioning: a track's version
 * is its source row's updated_at (the CDC position of the row: microseconds),
 * a deleted track's tombstone the highest version, an artist's or album's
 * the time its document was last rebuilt. `external_gte` lets the same
 * version be written again (an artist rename rebuilds tracks whose own row
 * did not change); a write carrying an older version is refused by
 * OpenSearch (409), so a replayed or reordered shipment never overwrites a
 * newer document. Documents are always read from the read model at shipping
 * time, so a shipment is never older than the note it answers.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { Logger } from "../../shared/logger.ts";
import type { OpenSearchClient } from "../../workers/search/opensearch/client.ts";
import { aliasName, indexDefinition, indexKinds, type IndexKind } from "../../workers/search/opensearch/indices.ts";
import { z } from "zod";
import { soundKey } from "../../workers/search/sound.ts";

/** A tombstone outranks every live version (microseconds of year ~2255; below 2^53, exact in JSON). */
export const tombstoneVersion = 9_000_000_000_000_000;

export interface OpenSearchDocument {
  id: string;
  version: number;
  source: Record<string, unknown>;
}

const micros = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000000)::bigint::text`);

/** The documents of `ids` (or of every row when `ids` is omitted, from `afterId`, `limit` of them) as the read model holds them now. */
export async function readDocuments(
  db: Kysely<Database>,
  kind: IndexKind,
  select: { ids: readonly string[] } | { afterId: string | null; limit: number; changedSince?: Date },
): Promise<OpenSearchDocument[]> {
  const where =
    "ids" in select
      ? sql`d.id = any(${sql.val(select.ids)}::uuid[])`
      : sql`${select.afterId === null ? sql`true` : sql`d.id > ${select.afterId}::uuid`} and ${select.changedSince ? sql`d.indexed_at >= ${select.changedSince}` : sql`true`}`;
  const limit = "ids" in select ? sql`` : sql`order by d.id limit ${select.limit}`;
  if (kind === "tracks") {
    const rows = await sql<{
      id: string;
      version: string | null;
      visible: boolean;
      explicit: boolean;
      popularity: number;
      title: string;
      names: string;
      title_latin: string;
      names_latin: string;
      artist_ids: string[];
      artist_names: string[];
      album_id: string | null;
      album_title: string | null;
      cover_key: string | null;
      duration_ms: number;
      genres: string[];
      language: string | null;
    }>`
      select d.id, case when d.source_updated_at = 'infinity' then null else ${micros("d.source_updated_at")} end as version,
        d.visible, d.explicit, d.popularity, d.title, concat_ws(' ', array_to_string(d.artist_names, ' '), d.album_title) as names,
        d.title_latin, d.names_latin, d.artist_ids, d.artist_names, d.album_id, d.album_title, d.cover_key, d.duration_ms, d.genres, d.language
      from search.tracks d where ${where} ${limit}`.execute(db);
    return rows.rows.map(({ version, ...source }) => ({
      id: source.id,
      version: version === null ? tombstoneVersion : Number(version),
      source: { ...source, names_sound: soundKey(source.names_latin) },
    }));
  }
  if (kind === "albums") {
    const rows = await sql<{
      id: string;
      version: string;
      track_count: number;
      popularity: number;
      title: string;
      names: string;
      title_latin: string;
      names_latin: string;
      artist_id: string;
      artist_name: string;
      kind: string;
      release_date: string | null;
      cover_key: string | null;
    }>`
      select d.id, ${micros("d.indexed_at")} as version, d.track_count, d.popularity, d.title, concat_ws(' ', d.title, d.artist_name) as names,
        d.title_latin, search.search_key(concat_ws(' ', d.title, d.artist_name)) as names_latin, d.artist_id, d.artist_name, d.kind,
        d.release_date::text as release_date, d.cover_key
      from search.albums d where ${where} ${limit}`.execute(db);
    return rows.rows.map(({ version, ...source }) => ({
      id: source.id,
      version: Number(version),
      source: { ...source, names_sound: soundKey(source.names_latin) },
    }));
  }
  const rows = await sql<{ id: string; version: string; track_count: number; popularity: number; name: string; name_latin: string; image_key: string | null }>`
    select d.id, ${micros("d.indexed_at")} as version, d.track_count, d.popularity, d.name, d.name_latin, d.image_key
    from search.artists d where ${where} ${limit}`.execute(db);
  return rows.rows.map(({ version, name_latin, ...rest }) => ({
    id: rest.id,
    version: Number(version),
    source: { ...rest, title: rest.name, names: rest.name, title_latin: name_latin, names_latin: name_latin, names_sound: soundKey(name_latin) },
  }));
}

/**
 * Writes documents into `index` (an alias or an index name). A version
 * conflict means OpenSearch already holds a newer document: that is success.
 * Any other failed item throws, so its note stays and is retried.
 */
export async function writeDocuments(
  client: OpenSearchClient,
  index: string,
  documents: readonly OpenSearchDocument[],
  options: { refresh?: boolean | "wait_for"; alias?: boolean } = {},
): Promise<{ written: number; stale: number }> {
  if (documents.length === 0) return { written: 0, stale: 0 };
  const lines: unknown[] = [];
  // require_alias: a write through a missing alias fails instead of auto-creating an index with guessed mappings.
  const target = options.alias ? { _index: index, require_alias: true } : { _index: index };
  for (const document of documents) {
    lines.push({ index: { ...target, _id: document.id, version: document.version, version_type: "external_gte" } }, document.source);
  }
  const result = await client.bulk(lines, options);
  let written = 0;
  let stale = 0;
  for (const item of result.items) {
    const outcome = Object.values(item)[0];
    if (!outcome) continue;
    if (outcome.status >= 200 && outcome.status < 300) written += 1;
    else if (outcome.status === 409) stale += 1;
    else
      throw new Error(`OpenSearch refused document ${outcome._id} in ${index}: ${outcome.status} ${outcome.error?.type ?? ""} ${outcome.error?.reason ?? ""}`);
  }
  return { written, stale };
}

const aliasesSchema = z.record(z.string(), z.object({ aliases: z.record(z.string(), z.unknown()) }));

/** The index each alias of `prefix` names now (absent when the alias does not exist yet). */
export async function currentIndices(client: OpenSearchClient, prefix: string): Promise<Partial<Record<IndexKind, string>>> {
  const { status, body } = await client.request("GET", `/_alias/${prefix}-*`, aliasesSchema, { allow: [404] });
  const found: Partial<Record<IndexKind, string>> = {};
  if (status === 404) return found;
  for (const [index, { aliases }] of Object.entries(body)) {
    for (const kind of indexKinds) if (aliasName(prefix, kind) in aliases) found[kind] = index;
  }
  return found;
}

const acknowledged = z.object({ acknowledged: z.boolean() }).passthrough();

/** Creates `<prefix>-<kind>-<stamp>` for each kind; returns the names. */
export async function createVersionedIndices(
  client: OpenSearchClient,
  prefix: string,
  stamp: string,
  options: { refreshInterval?: string } = {},
): Promise<Record<IndexKind, string>> {
  const names = {} as Record<IndexKind, string>;
  for (const kind of indexKinds) {
    const name = `${aliasName(prefix, kind)}-${stamp}`;
    await client.request("PUT", `/${name}`, acknowledged, { body: indexDefinition(kind, options) });
    names[kind] = name;
  }
  return names;
}

/** Points every alias at its new index in one atomic call, dropping the old ones' aliases. */
export async function swapAliases(
  client: OpenSearchClient,
  prefix: string,
  next: Record<IndexKind, string>,
  previous: Partial<Record<IndexKind, string>>,
): Promise<void> {
  const actions: unknown[] = [];
  for (const kind of indexKinds) {
    const old = previous[kind];
    if (old) actions.push({ remove: { index: old, alias: aliasName(prefix, kind) } });
    actions.push({ add: { index: next[kind], alias: aliasName(prefix, kind), is_write_index: true } });
  }
  await client.request("POST", "/_aliases", acknowledged, { body: { actions } });
}

/** Makes sure the aliases exist (a first start creates empty indices); returns nothing to do otherwise. */
export async function ensureIndices(client: OpenSearchClient, prefix: string): Promise<void> {
  const current = await currentIndices(client, prefix);
  if (indexKinds.every((kind) => current[kind])) return;
  const created = await createVersionedIndices(client, prefix, `${Date.now()}`);
  const missing = Object.fromEntries(indexKinds.map((kind) => [kind, current[kind] ?? created[kind]])) as Record<IndexKind, string>;
  await swapAliases(client, prefix, missing, current);
  for (const kind of indexKinds) if (current[kind]) await client.request("DELETE", `/${created[kind]}`, acknowledged);
}

/** Asks the triggers of migrations/0170 to note changes from now on. */
export async function registerSync(db: Kysely<Database>, name: string): Promise<void> {
  await db
    .insertInto("search.opensearch_sync")
    .values({ name })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
}

export interface ShipmentTimings {
  refresh: boolean | "wait_for" | undefined;
  notesMs: number;
  kinds: Array<{ kind: IndexKind; documents: number; readMs: number; bulkMs: number }>;
}

/**
 * Ships up to `batchSize` noted changes; returns how many notes it settled.
 * A note is deleted only if its seq is unchanged, i.e. no change arrived while shipping.
 */
export async function drainOnce(
  db: Kysely<Database>,
  client: OpenSearchClient,
  prefix: string,
  options: {
    batchSize?: number;
    /** A function is asked only when there is something to ship: a refresh policy must not spend its slot on an empty drain. */
    refresh?: boolean | "wait_for" | (() => boolean | "wait_for");
    /** Told what was shipped, with the forms OpenSearch matched those documents by before (cache-tags.ts); reading those costs one _mget. */
    shipped?: (kind: IndexKind, documents: readonly OpenSearchDocument[], previous: ReadonlyMap<string, string>) => void;
    /** Only the notes of these kinds (the pump's lanes); all by default. */
    kinds?: readonly IndexKind[];
    /** Where a shipment's time went: reading the notes, then per kind reading the documents and the bulk (with its refresh). */
    timings?: (timings: ShipmentTimings) => void;
  } = {},
): Promise<number> {
  const startedAt = performance.now();
  const kinds = options.kinds ?? indexKinds;
  const notes = await db
    .selectFrom("search.opensearch_pending")
    .select(["kind", "id", "seq"])
    .where("kind", "in", kinds)
    .orderBy("seq")
    .limit(options.batchSize ?? 500)
    .execute();
  if (notes.length === 0) return 0;
  const refresh = typeof options.refresh === "function" ? options.refresh() : options.refresh;
  const readAt = performance.now();
  // The kinds in parallel: a track change also rebuilds its artist's and album's documents, and each bulk waits for
  // its index's refresh, so in turn the track waited for up to two other shipments.
  const steps = await Promise.all(
    kinds.map(async (kind) => {
      const ids = notes.filter((note) => note.kind === kind).map((note) => note.id);
      if (ids.length === 0) return undefined;
      const started = performance.now();
      const documents = await readDocuments(db, kind, { ids });
      const previous = options.shipped ? await previousForms(client, aliasName(prefix, kind), ids) : new Map<string, string>();
      const read = performance.now();
      await writeDocuments(client, aliasName(prefix, kind), documents, { refresh, alias: true });
      options.shipped?.(kind, documents, previous);
      return { kind, documents: documents.length, readMs: read - started, bulkMs: performance.now() - read };
    }),
  );
  options.timings?.({ refresh, notesMs: readAt - startedAt, kinds: steps.filter((step) => step !== undefined) });
  await sql`
    delete from search.opensearch_pending p using unnest(${sql.val(notes.map((n) => n.kind))}::text[], ${sql.val(notes.map((n) => n.id))}::uuid[], ${sql.val(notes.map((n) => n.seq))}::bigint[]) as done (kind, id, seq)
    where p.kind = done.kind and p.id = done.id and p.seq = done.seq`.execute(db);
  return notes.length;
}

const previousSchema = z.object({
  docs: z.array(
    z.object({
      _id: z.string(),
      found: z.boolean().optional(),
      _source: z.object({ names_latin: z.string().optional(), visible: z.boolean().optional(), track_count: z.number().optional() }).optional(),
    }),
  ),
});

/**
 * The search form each document matches by in OpenSearch now ('' when it
 * matches nothing: absent, hidden, or without visible tracks). Documents it
 * could not read are left out, and so count as all new.
 */
export async function previousForms(client: OpenSearchClient, alias: string, ids: readonly string[]): Promise<Map<string, string>> {
  const forms = new Map<string, string>();
  try {
    const { body } = await client.request("POST", `/${alias}/_mget?_source_includes=names_latin,visible,track_count`, previousSchema, { body: { ids } });
    for (const doc of body.docs) {
      const source = doc._source;
      const matches = doc.found === true && source !== undefined && source.visible !== false && source.track_count !== 0;
      forms.set(doc._id, matches ? (source?.names_latin ?? "") : "");
    }
  } catch {
    // Unknown before: every word counts as new, which only drops more cached pages.
  }
  return forms;
}

export interface OpenSearchPump {
  /** Ship now instead of at the next poll: the indexer calls it once its changes have committed. */
  wake(): void;
  /** Resolves once every note present now has been shipped (tests, reindex). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * How a shipment becomes searchable. `wait_for` parks the bulk request until
 * the index's next scheduled refresh (refresh_interval 1 s): on average half
 * a second, up to a whole one, and more when the node is loaded; that was
 * most of OpenSearch's freshness. `true` refreshes the written shard at once,
 * which costs a small segment each time, so it is allowed at most once per
 * `minGapMs`; a busier stream falls back to `wait_for` and so to the
 * scheduled refresh. Either way the bulk returns only once searches see the
 * shipment, so dropping cached pages after it stays safe.
 */
export function refreshPolicy(minGapMs: number, now: () => number = () => performance.now()): () => true | "wait_for" {
  let last = Number.NEGATIVE_INFINITY;
  return () => {
    const at = now();
    if (at - last < minGapMs) return "wait_for";
    last = at;
    return true;
  };
}

/**
 * Ships notes continuously: straight away while there are more, when woken
 * (the indexer's committed changes), else every `intervalMs` (notes written
 * by other processes: reindex, a second indexer); while OpenSearch is
 * unreachable it backs off (notes wait in PostgreSQL, nothing is lost) and
 * logs once per outage.
 *
 * One lane per kind, each with its own loop and refresh policy: a track
 * change also rebuilds its artist's and album's documents, and a track's
 * next shipment must not wait for those bulks and their refreshes.
 */
export function startOpenSearchPump(
  db: Kysely<Database>,
  client: OpenSearchClient,
  options: {
    prefix: string;
    log: Logger;
    intervalMs?: number;
    /** Least time between two forced refreshes of one index (see refreshPolicy). */
    minRefreshGapMs?: number;
    /** After a shipment is visible to searches: what it shipped (cached searches are dropped from it). */
    afterShip?: (documents: ReadonlyArray<{ kind: IndexKind; document: OpenSearchDocument; previousForm: string | undefined }>) => Promise<void>;
  },
): OpenSearchPump {
  const intervalMs = options.intervalMs ?? 100;
  let stopped = false;
  // Writing through a missing alias would auto-create an index with guessed mappings: every lane waits for this first.
  let prepared: Promise<void> | undefined;

  const startLane = (kind: IndexKind) => {
    const refresh = refreshPolicy(options.minRefreshGapMs ?? 250);
    let failing = false;
    let delay = intervalMs;
    let wake: (() => void) | undefined;
    // A wake-up that arrives while a shipment is under way must not be lost: the loop goes round again at once.
    let woken = false;
    // When the first wake-up not yet answered by a shipment came (the debug log's sinceWakeMs).
    let wokenAt: number | undefined;
    const loop = (async () => {
      while (!stopped) {
        let shipped = 0;
        woken = false;
        try {
          prepared ??= ensureIndices(client, options.prefix).catch((error: unknown) => {
            prepared = undefined;
            throw error;
          });
          await prepared;
          // Both refresh modes return once searches see the shipment, so dropping cached pages after it is safe.
          const documents: Array<{ kind: IndexKind; document: OpenSearchDocument; previousForm: string | undefined }> = [];
          const wokenFor = wokenAt === undefined ? undefined : performance.now() - wokenAt;
          wokenAt = undefined;
          shipped = await drainOnce(db, client, options.prefix, {
            kinds: [kind],
            // Asked only when there are notes: the drain that finds none right after a shipment used to take the
            // forced refresh, and the next change, a moment later, waited for the scheduled one.
            refresh,
            timings: (timings) => options.log.debug("shipped search changes to OpenSearch", { sinceWakeMs: wokenFor, ...timings }),
            // Only asked for when someone listens: it costs an _mget.
            shipped: options.afterShip
              ? (shippedKind, batch, previous) =>
                  documents.push(...batch.map((document) => ({ kind: shippedKind, document, previousForm: previous.get(document.id) })))
              : undefined,
          });
          if (documents.length > 0) await options.afterShip?.(documents);
          if (failing) options.log.info("OpenSearch reachable again: shipping noted search changes", { kind });
          failing = false;
          delay = intervalMs;
        } catch (error) {
          if (!failing) options.log.warn("could not ship search changes to OpenSearch; they wait in search.opensearch_pending", { kind, error });
          failing = true;
          delay = Math.min(delay * 2, 5_000);
        }
        if (stopped) break;
        if ((shipped === 0 && !woken) || failing)
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, delay);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        wake = undefined;
      }
    })();
    return {
      loop,
      wake() {
        woken = true;
        wokenAt ??= performance.now();
        // While failing, the back-off decides: a wake-up per committed batch would hammer a down node.
        if (!failing) wake?.();
      },
      interrupt() {
        wake?.();
      },
    };
  };
  const lanes = indexKinds.map(startLane);

  return {
    wake() {
      for (const lane of lanes) lane.wake();
    },
    async flush() {
      for (;;) {
        const left = await db
          .selectFrom("search.opensearch_pending")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .executeTakeFirstOrThrow();
        if (Number(left.n) === 0) return;
        for (const lane of lanes) lane.interrupt();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      stopped = true;
      for (const lane of lanes) lane.interrupt();
      await Promise.all(lanes.map((lane) => lane.loop));
    },
  };
}
