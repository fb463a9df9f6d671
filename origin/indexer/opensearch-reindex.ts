/**
 * Zero-downtime rebuild of the OpenSearch indices from the PostgreSQL read
 * model: build new versioned indices (`<alias>-<stamp>`) while searches keep
 * reading the old ones through the aliases, swap every alias in one atomic
 * call, then ship again what changed while the copy ran (the live pump kept
 * writing to the old indices until the swap; external versions make the
 * catch-up safe to overlap), and drop the old indices.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { OpenSearchClient } from "../../workers/search/opensearch/client.ts";
import { indexKinds, type IndexKind } from "../../workers/search/opensearch/indices.ts";
import { z } from "zod";
import { createVersionedIndices, currentIndices, readDocuments, swapAliases, writeDocuments } from "./opensearch-sync.ts";

export interface OpenSearchReindexOptions {
  prefix: string;
  batchSize?: number;
  /** Called after every batch with documents done so far and the total at the start. */
  onProgress?: (done: number, total: number) => void;
}

// A transaction that began this long before the copy may commit during it: ship its documents again too.
const catchUpMarginMs = 60_000;

export async function reindexOpenSearch(
  db: Kysely<Database>,
  client: OpenSearchClient,
  options: OpenSearchReindexOptions,
): Promise<{ documents: number; indices: Record<IndexKind, string> }> {
  const batchSize = options.batchSize ?? 5_000;
  const startedAt = new Date((await sql<{ now: Date }>`select now() as now`.execute(db)).rows[0]?.now.getTime() ?? Date.now());
  const previous = await currentIndices(client, options.prefix);
  // No refresh while bulk loading; the swap comes after an explicit refresh.
  const next = await createVersionedIndices(client, options.prefix, `${Date.now()}`, { refreshInterval: "-1" });
  const counts = await sql<{ tracks: string; albums: string; artists: string }>`
    select (select count(*) from search.tracks) as tracks, (select count(*) from search.albums) as albums, (select count(*) from search.artists) as artists`.execute(
    db,
  );
  const total = Number(counts.rows[0]?.tracks ?? 0) + Number(counts.rows[0]?.albums ?? 0) + Number(counts.rows[0]?.artists ?? 0);
  let done = 0;
  options.onProgress?.(0, total);
  const copy = async (changedSince?: Date) => {
    for (const kind of indexKinds) {
      let afterId: string | null = null;
      for (;;) {
        const documents = await readDocuments(db, kind, { afterId, limit: batchSize, changedSince });
        if (documents.length === 0) break;
        await writeDocuments(client, next[kind], documents);
        afterId = documents[documents.length - 1]?.id ?? null;
        if (!changedSince) {
          done += documents.length;
          options.onProgress?.(done, Math.max(total, done));
        }
      }
    }
  };
  try {
    await copy();
    for (const kind of indexKinds) {
      await client.request("PUT", `/${next[kind]}/_settings`, z.object({ acknowledged: z.boolean() }), { body: { index: { refresh_interval: "1s" } } });
      await client.request("POST", `/${next[kind]}/_refresh`, z.unknown());
    }
  } catch (error) {
    for (const kind of indexKinds) await client.request("DELETE", `/${next[kind]}`, z.unknown(), { allow: [404] }).catch(() => undefined);
    throw error;
  }
  await swapAliases(client, options.prefix, next, previous);
  await copy(new Date(startedAt.getTime() - catchUpMarginMs));
  for (const kind of indexKinds) {
    await client.request("POST", `/${next[kind]}/_refresh`, z.unknown());
    const old = previous[kind];
    if (old) await client.request("DELETE", `/${old}`, z.unknown(), { allow: [404] });
  }
  return { documents: done, indices: next };
}
