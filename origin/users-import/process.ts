/**
 * One import job, start to finish, resumable at every step: (1) the source is
 * read through its provider adapter and its entries stored with the total, in
 * one transaction; (2) pending entries are matched in batches, each batch one
 * transaction that records the results, likes the matches (on conflict do
 * nothing: what was liked stays, a re-import adds nothing) and moves the
 * counters, so GET /me/imports/{id} shows progress as it commits.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { Logger } from "../../shared/logger.ts";
import { parseImportLink } from "../../workers/users/domain/imports/links.ts";
import type { ImportRow } from "../../workers/users/domain/imports/repository.ts";
import { matchEntries } from "./match.ts";
import { renewLease } from "./queue.ts";
import { ImportSourceError, type ImportedEntry, type ImportInput, type ImportSources } from "./sources/index.ts";

export interface ImportWork {
  db: Kysely<Database>;
  sources: ImportSources;
  owner: string;
  leaseMs: number;
  batchSize: number;
  logger: Logger;
  signal?: AbortSignal;
  /** Called after each committed batch (tests watch progress through it). */
  afterBatch?: (job: ImportRow) => Promise<void>;
}

export class ImportStoppedError extends Error {
  override readonly name = "ImportStoppedError";
}

/** Insert chunk: 6 parameters per row, well under PostgreSQL's 65,535. */
const insertChunk = 1_000;

export async function runImport(job: ImportRow, work: ImportWork): Promise<void> {
  if (job.total === null) await readSource(job, work);
  for (;;) {
    if (work.signal?.aborted) throw new ImportStoppedError("stopping");
    if (await matchNextBatch(job, work)) return;
    await work.afterBatch?.(job);
  }
}

function inputOf(job: ImportRow): ImportInput {
  if (job.source_kind === "file") return { kind: "file", text: job.source_file ?? "" };
  const link = parseImportLink(job.source_ref);
  if (!link || link.provider !== job.provider) throw new ImportSourceError("source_unreadable", "The stored link is not a playlist link of this provider.");
  return { kind: "link", link };
}

async function readSource(job: ImportRow, work: ImportWork): Promise<void> {
  const entries = await work.sources[job.provider].read(inputOf(job), work.signal);
  await work.db.transaction().execute(async (trx) => {
    // The file is no longer needed once its entries are stored.
    await renewLease(trx, job.id, work.owner, work.leaseMs, { status: "matching", total: entries.length, source_file: null });
    for (let start = 0; start < entries.length; start += insertChunk) {
      await trx
        .insertInto("users.import_entries")
        .values(entries.slice(start, start + insertChunk).map((entry, index) => entryRow(job.id, start + index, entry)))
        .execute();
    }
  });
  work.logger.info("import source read", { import_id: job.id, provider: job.provider, total: entries.length });
}

function entryRow(importId: string, position: number, entry: ImportedEntry) {
  return {
    import_id: importId,
    position,
    artist: entry.artists.join(", ").slice(0, 1000),
    title: entry.title.slice(0, 1000),
    external_id: entry.externalId,
    track_id: null,
    score: null,
  };
}

/** Matches and likes one batch; true when nothing was left and the job is now completed. */
async function matchNextBatch(job: ImportRow, work: ImportWork): Promise<boolean> {
  return work.db.transaction().execute(async (trx) => {
    const pending = await trx
      .selectFrom("users.import_entries")
      .select(["position", "artist", "title"])
      .where("import_id", "=", job.id)
      .where("status", "=", "pending")
      .orderBy("position")
      .limit(work.batchSize)
      .execute();
    if (pending.length === 0) {
      await renewLease(trx, job.id, work.owner, work.leaseMs, { status: "completed", finished_at: sql<Date>`now()`, lease_owner: null, lease_until: null });
      work.logger.info("import completed", { import_id: job.id });
      return true;
    }
    const results = await matchEntries(
      trx,
      pending.map((entry) => ({ position: entry.position, artists: [entry.artist], title: entry.title })),
    );
    const trackIds = [...new Set(results.flatMap((result) => (result.trackId ? [result.trackId] : [])))];
    const liked = trackIds.length
      ? await trx
          .insertInto("users.likes")
          .values(trackIds.map((trackId) => ({ user_id: job.user_id, target_kind: "track" as const, target_id: trackId })))
          .onConflict((oc) => oc.columns(["user_id", "target_kind", "target_id"]).doNothing())
          .returning("target_id")
          .execute()
      : [];
    const newlyLiked = new Set(liked.map((row) => row.target_id));
    // A track twice in one playlist is added once: the first entry gets the credit.
    const credited = new Set<string>();
    const added = results.map((result) => {
      if (!result.trackId || !newlyLiked.has(result.trackId) || credited.has(result.trackId)) return false;
      credited.add(result.trackId);
      return true;
    });
    await sql`
      update users.import_entries e
         set status = case when u.track_id is null then 'unmatched' else 'matched' end,
             track_id = u.track_id, score = u.score, added = u.added
        from unnest(${results.map((result) => result.position)}::int[], ${results.map((result) => result.trackId)}::uuid[],
                    ${results.map((result) => result.score)}::real[], ${added}::boolean[]) as u(position, track_id, score, added)
       where e.import_id = ${job.id} and e.position = u.position`.execute(trx);
    const matched = results.filter((result) => result.trackId).length;
    await renewLease(trx, job.id, work.owner, work.leaseMs, {
      processed: sql<number>`processed + ${results.length}`,
      matched: sql<number>`matched + ${matched}`,
      unmatched: sql<number>`unmatched + ${results.length - matched}`,
      added: sql<number>`added + ${newlyLiked.size}`,
    });
    return false;
  });
}
