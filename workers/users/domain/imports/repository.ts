/**
 * users.imports as the edge and the origin worker both see it: creating a job
 * (or finding the unfinished one for the same source), reading its progress
 * and its entries. Plain functions over a Kysely handle or transaction.
 */
import { sql, type Kysely, type Selectable } from "kysely";
import type { Database } from "../../../../shared/db/database.ts";
import type { ImportEntryStatus, ImportProvider, ImportsTable, ImportSourceKind } from "../../../../shared/db/users-import.table.ts";

export type ImportRow = Selectable<ImportsTable>;

export const activeStatuses = ["queued", "reading", "matching"] as const;

export interface NewImport {
  userId: string;
  provider: ImportProvider;
  sourceKind: ImportSourceKind;
  sourceRef: string;
  sourceFile: string | null;
  fileName: string | null;
}

/**
 * A new job, or the user's unfinished job for the same source (a repeated
 * POST does not queue the same work twice). `created` says which.
 */
export async function createImport(db: Kysely<Database>, input: NewImport): Promise<{ job: ImportRow; created: boolean }> {
  // Two rounds: the unfinished job found by the conflict may finish before we read it.
  for (let round = 0; round < 2; round += 1) {
    const inserted = await db
      .insertInto("users.imports")
      .values({
        id: crypto.randomUUID(),
        user_id: input.userId,
        provider: input.provider,
        source_kind: input.sourceKind,
        source_ref: input.sourceRef,
        source_file: input.sourceFile,
        file_name: input.fileName,
        total: null,
        error_code: null,
        error_message: null,
        lease_owner: null,
        lease_until: null,
        finished_at: null,
      })
      .onConflict((oc) => oc.columns(["user_id", "provider", "source_ref"]).where("status", "in", activeStatuses).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { job: inserted, created: true };
    const active = await db
      .selectFrom("users.imports")
      .selectAll()
      .where("user_id", "=", input.userId)
      .where("provider", "=", input.provider)
      .where("source_ref", "=", input.sourceRef)
      .where("status", "in", activeStatuses)
      .executeTakeFirst();
    if (active) return { job: active, created: false };
  }
  throw new Error("import job neither created nor found");
}

export async function findImport(db: Kysely<Database>, id: string): Promise<ImportRow | undefined> {
  return db.selectFrom("users.imports").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The user's jobs, newest first; `after` is the previous page's last job. */
export async function listImports(db: Kysely<Database>, userId: string, limit: number, after?: { at: Date; id: string }): Promise<ImportRow[]> {
  // Milliseconds, as the cursor carries them (a Date has no microseconds); a user has few jobs to sort.
  const at = sql<Date>`date_trunc('milliseconds', created_at)`;
  let query = db.selectFrom("users.imports").selectAll().where("user_id", "=", userId);
  if (after) query = query.where(sql<boolean>`(${at}, id) < (${after.at}, ${after.id}::uuid)`);
  return query.orderBy(at, "desc").orderBy("id", "desc").limit(limit).execute();
}

export interface ImportEntryRow {
  position: number;
  artist: string;
  title: string;
  external_id: string | null;
  status: ImportEntryStatus;
  track_id: string | null;
  score: number | null;
  added: boolean;
  track_title: string | null;
}

/** Entries of a job in source order after `afterPosition`, optionally of one status, with the matched track's title. */
export async function listImportEntries(
  db: Kysely<Database>,
  importId: string,
  options: { status?: "matched" | "unmatched" | undefined; afterPosition?: number | undefined; limit: number },
): Promise<ImportEntryRow[]> {
  let query = db
    .selectFrom("users.import_entries as e")
    .leftJoin("catalog.tracks as t", "t.id", "e.track_id")
    .select(["e.position", "e.artist", "e.title", "e.external_id", "e.status", "e.track_id", "e.score", "e.added", "t.title as track_title"])
    .where("e.import_id", "=", importId);
  if (options.status) query = query.where("e.status", "=", options.status);
  if (options.afterPosition !== undefined) query = query.where("e.position", ">", options.afterPosition);
  return query.orderBy("e.position").limit(options.limit).execute();
}

/** SHA-256 hex of an uploaded file: a re-upload of the same bytes is the same source. */
export async function fileSourceRef(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return `sha256:${[...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

/** Seconds the client should wait before polling again, by status. */
export function retryAfterSeconds(job: ImportRow): number | null {
  return (activeStatuses as readonly string[]).includes(job.status) ? 2 : null;
}
