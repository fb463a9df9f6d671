/**
 * Artist applications: the repository and the decision. Approval is one
 * transaction that writes the catalog (profile, manager link, application)
 * and, deliberately, auth.accounts.roles: an admin waits for the answer, and a
 * half-approved applicant (a profile without the role, or the role without a
 * profile) would be worse than the one cross-schema write, which is recorded
 * in the audit log in the same transaction.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import { recordAudit, type AuditActor } from "../../../shared/audit/audit-log.ts";
import type { ArtistApplicationStatus } from "../../../shared/db/catalog.table.ts";
import type { Database } from "../../../shared/db/database.ts";
import { AppError } from "../../../shared/errors.ts";
import { writeOutbox } from "../../../shared/events/outbox.ts";
import { addArtistManager } from "../artist-managers.ts";
import { announceArtist } from "../curation/artists.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface ArtistApplication {
  id: string;
  userId: string;
  artistName: string;
  links: string[];
  claimArtistId: string | null;
  status: ArtistApplicationStatus;
  reason: string | null;
  artistId: string | null;
  decidedAt: string | null;
  createdAt: string;
}

const columns = ["id", "user_id", "artist_name", "links", "claim_artist_id", "status", "reason", "artist_id", "decided_at", "created_at"] as const;

type Row = {
  id: string;
  user_id: string;
  artist_name: string;
  links: string[];
  claim_artist_id: string | null;
  status: ArtistApplicationStatus;
  reason: string | null;
  artist_id: string | null;
  decided_at: Date | null;
  created_at: Date;
};

function toApplication(row: Row): ArtistApplication {
  return {
    id: row.id,
    userId: row.user_id,
    artistName: row.artist_name,
    links: row.links,
    claimArtistId: row.claim_artist_id,
    status: row.status,
    reason: row.reason,
    artistId: row.artist_id,
    decidedAt: row.decided_at ? new Date(row.decided_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && (error as { code: unknown }).code === "23505";
}

export async function submitApplication(
  db: Db,
  input: { userId: string; artistName: string; links: string[]; claimArtistId: string | null },
): Promise<ArtistApplication> {
  if (input.claimArtistId) {
    const claimed = await db.selectFrom("catalog.artists").select("id").where("id", "=", input.claimArtistId).executeTakeFirst();
    if (!claimed)
      throw new AppError("VALIDATION_FAILED", "claim_artist_id names no artist.", { errors: [{ field: "body.claim_artist_id", message: "no such artist" }] });
  }
  try {
    const row = await db
      .insertInto("catalog.artist_applications")
      .values({ user_id: input.userId, artist_name: input.artistName, links: input.links, claim_artist_id: input.claimArtistId })
      .returning(columns)
      .executeTakeFirstOrThrow();
    return toApplication(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("CONFLICT", "You already have an application waiting for a decision.");
    throw error;
  }
}

/** The caller's newest application, whatever its state. */
export async function latestApplication(db: Db, userId: string): Promise<ArtistApplication | null> {
  const row = await db
    .selectFrom("catalog.artist_applications")
    .select(columns)
    .where("user_id", "=", userId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return row ? toApplication(row) : null;
}

/** Newest first; `before` is the previous page's last `created_at|id`. */
export async function listApplications(
  db: Db,
  filter: { status?: ArtistApplicationStatus; before?: { createdAt: string; id: string }; limit: number },
): Promise<ArtistApplication[]> {
  let query = db.selectFrom("catalog.artist_applications").select(columns).orderBy("created_at", "desc").orderBy("id", "desc").limit(filter.limit);
  if (filter.status) query = query.where("status", "=", filter.status);
  if (filter.before) {
    const { createdAt, id } = filter.before;
    query = query.where(sql<boolean>`(created_at, id) < (${createdAt}::timestamptz, ${id}::uuid)`);
  }
  return (await query.execute()).map(toApplication);
}

async function pendingForUpdate(trx: Transaction<Database>, id: string): Promise<Row> {
  const row = await trx.selectFrom("catalog.artist_applications").select(columns).where("id", "=", id).forUpdate().executeTakeFirst();
  if (!row) throw new AppError("NOT_FOUND", `No artist application has the id ${id}.`);
  if (row.status !== "pending") throw new AppError("CONFLICT", `This application was already ${row.status}.`);
  return row;
}

/** Approves: creates (or links the claimed) profile, links the applicant, grants `artist`; concurrent approvals give one profile. */
/** Tells the applicant (through notify) what was decided, in the deciding transaction. */
async function announceDecision(trx: Transaction<Database>, decided: Row, traceparent?: string): Promise<void> {
  const artist = decided.artist_id ? await trx.selectFrom("catalog.artists").select("name").where("id", "=", decided.artist_id).executeTakeFirst() : undefined;
  await writeOutbox(trx, {
    type: "tunec.catalog.artist-application-decided.v1",
    source: "/tunec/catalog",
    ...(traceparent ? { traceparent } : {}),
    data: {
      applicationId: decided.id,
      userId: decided.user_id,
      decision: decided.status === "approved" ? "approved" : "rejected",
      artistId: decided.artist_id,
      artistName: artist?.name ?? decided.artist_name,
      reason: decided.reason,
      decidedAt: (decided.decided_at ?? new Date()).toISOString(),
    },
  });
}

export async function approveApplication(
  db: Kysely<Database>,
  input: { id: string; actor: AuditActor; requestId: string | null; traceparent?: string },
): Promise<ArtistApplication> {
  return db.transaction().execute(async (trx) => {
    const application = await pendingForUpdate(trx, input.id);
    let artistId = application.claim_artist_id;
    if (!artistId) {
      const created = await trx
        .insertInto("catalog.artists")
        .values({ name: application.artist_name.trim() })
        .returning(["id", "name", "bio", "image_key", "merged_into", "updated_at"])
        .executeTakeFirstOrThrow();
      await announceArtist(trx, created, ["created"], input.traceparent);
      artistId = created.id;
    }
    await addArtistManager(trx, { artistId, userId: application.user_id, addedBy: input.actor.userId });
    const account = await trx.selectFrom("auth.accounts").select("roles").where("id", "=", application.user_id).forUpdate().executeTakeFirst();
    if (!account) throw new AppError("CONFLICT", "The applicant's account no longer exists.");
    if (!account.roles.includes("artist")) {
      await trx
        .updateTable("auth.accounts")
        .set({ roles: [...account.roles, "artist"], updated_at: new Date() })
        .where("id", "=", application.user_id)
        .execute();
    }
    const decided = await trx
      .updateTable("catalog.artist_applications")
      .set({ status: "approved", artist_id: artistId, decided_by: input.actor.userId, decided_at: new Date() })
      .where("id", "=", input.id)
      .returning(columns)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actor: input.actor,
      action: "artist_application.approve",
      targetType: "artist_application",
      targetId: input.id,
      before: { status: "pending", roles: account.roles },
      after: { status: "approved", artist_id: artistId, claimed: application.claim_artist_id !== null, roles: [...new Set([...account.roles, "artist"])] },
      requestId: input.requestId,
    });
    await announceDecision(trx, decided, input.traceparent);
    return toApplication(decided);
  });
}

export async function rejectApplication(
  db: Kysely<Database>,
  input: { id: string; reason: string; actor: AuditActor; requestId: string | null; traceparent?: string },
): Promise<ArtistApplication> {
  return db.transaction().execute(async (trx) => {
    await pendingForUpdate(trx, input.id);
    const decided = await trx
      .updateTable("catalog.artist_applications")
      .set({ status: "rejected", reason: input.reason, decided_by: input.actor.userId, decided_at: new Date() })
      .where("id", "=", input.id)
      .returning(columns)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actor: input.actor,
      action: "artist_application.reject",
      targetType: "artist_application",
      targetId: input.id,
      before: { status: "pending" },
      after: { status: "rejected" },
      reason: input.reason,
      requestId: input.requestId,
    });
    await announceDecision(trx, decided, input.traceparent);
    return toApplication(decided);
  });
}
