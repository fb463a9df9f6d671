/**
 * The audit log: every admin/editor action, recorded in the same transaction as
 * the change it describes (pass the transaction as `db`), listable with filters.
 *
 * @example
 *   await db.transaction().execute(async (trx) => {
 *     const before = await loadTrack(trx, id);
 *     const after = await renameTrack(trx, id, title);
 *     await recordAudit(trx, { actor, action: "track.update", targetType: "track", targetId: id, before, after });
 *   });
 */
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../db/database.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface AuditActor {
  /** The account that acted; null for the bootstrap CLI or the system. */
  userId: string | null;
  roles: readonly string[];
}

export interface AuditInput {
  actor: AuditActor;
  /** Dotted, lower-case verb: `role.grant`, `artist_application.approve`, `track.update`, `track.takedown`, `payment.refund`. */
  action: string;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  requestId?: string | null;
}

export interface AuditEntry {
  id: string;
  at: string;
  actorId: string | null;
  actorRoles: string[];
  action: string;
  targetType: string;
  targetId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  requestId: string | null;
}

export interface AuditFilter {
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  since?: Date;
  until?: Date;
  /** Entries with an id below this (the previous page's `nextBefore`). */
  before?: string;
  limit: number;
}

function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** Appends one entry; call it inside the transaction that makes the change. */
export async function recordAudit(db: Db, input: AuditInput): Promise<void> {
  await db
    .insertInto("audit.entries")
    .values({
      actor_id: input.actor.userId,
      actor_roles: [...input.actor.roles],
      action: input.action,
      target_type: input.targetType,
      target_id: input.targetId,
      before: json(input.before),
      after: json(input.after),
      reason: input.reason ?? null,
      request_id: input.requestId ?? null,
    })
    .execute();
}

/** Newest first, keyset-paginated by id. */
export async function listAudit(db: Db, filter: AuditFilter): Promise<{ entries: AuditEntry[]; nextBefore: string | null }> {
  let query = db
    .selectFrom("audit.entries")
    .selectAll()
    .orderBy("id", "desc")
    .limit(filter.limit + 1);
  if (filter.actorId) query = query.where("actor_id", "=", filter.actorId);
  if (filter.action) query = query.where("action", "=", filter.action);
  if (filter.targetType) query = query.where("target_type", "=", filter.targetType);
  if (filter.targetId) query = query.where("target_id", "=", filter.targetId);
  if (filter.since) query = query.where("at", ">=", filter.since);
  if (filter.until) query = query.where("at", "<", filter.until);
  if (filter.before) query = query.where("id", "<", sql<string>`${filter.before}::bigint`);
  const rows = await query.execute();
  const page = rows.slice(0, filter.limit);
  return {
    entries: page.map((row) => ({
      id: String(row.id),
      at: new Date(row.at).toISOString(),
      actorId: row.actor_id,
      actorRoles: row.actor_roles,
      action: row.action,
      targetType: row.target_type,
      targetId: row.target_id,
      before: row.before ?? null,
      after: row.after ?? null,
      reason: row.reason,
      requestId: row.request_id,
    })),
    nextBefore: rows.length > filter.limit ? String(page[page.length - 1]?.id ?? "") || null : null,
  };
}
