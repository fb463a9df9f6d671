/**
 * Admins link accounts to artist profiles (a label's staff, an artist who
 * never applied). Linking grants the `artist` role when the account lacks it —
 * the same deliberate cross-schema write as an approved application
 * (../onboarding/applications.ts), audited in the same transaction — and tells
 * the account through notify (ArtistManagerAdded).
 */
import type { Kysely } from "kysely";
import { recordAudit, type AuditActor } from "../../../shared/audit/audit-log.ts";
import type { Database } from "../../../shared/db/database.ts";
import { AppError } from "../../../shared/errors.ts";
import { writeOutbox } from "../../../shared/events/outbox.ts";
import { normalizeEmail } from "../../auth/accounts.ts";
import { addArtistManager, removeArtistManager } from "../artist-managers.ts";

export interface ArtistManager {
  user_id: string;
  email: string;
  added_at: string;
}

interface Context {
  actor: AuditActor;
  requestId: string | null;
  traceparent?: string;
}

export async function listManagers(db: Kysely<Database>, artistId: string): Promise<ArtistManager[]> {
  await liveArtist(db, artistId);
  const rows = await db
    .selectFrom("catalog.artist_managers as m")
    .innerJoin("auth.accounts as a", "a.id", "m.user_id")
    .select(["m.user_id", "a.email", "m.added_at"])
    .where("m.artist_id", "=", artistId)
    .orderBy("m.added_at")
    .execute();
  return rows.map((row) => ({ user_id: row.user_id, email: row.email, added_at: row.added_at.toISOString() }));
}

async function liveArtist(db: Kysely<Database>, artistId: string): Promise<{ name: string }> {
  const artist = await db.selectFrom("catalog.artists").select(["name", "merged_into"]).where("id", "=", artistId).executeTakeFirst();
  if (!artist) throw new AppError("NOT_FOUND", `No artist has the id ${artistId}.`);
  if (artist.merged_into) throw new AppError("CONFLICT", `This artist was merged into ${artist.merged_into}; manage that profile.`);
  return artist;
}

/** Links the account with this email; linking it again changes nothing (and tells nobody twice). */
export async function addManager(db: Kysely<Database>, input: { artistId: string; email: string } & Context): Promise<ArtistManager> {
  return db.transaction().execute(async (trx) => {
    const artist = await liveArtist(trx, input.artistId);
    const account = await trx
      .selectFrom("auth.accounts")
      .select(["id", "email", "roles"])
      .where((eb) => eb(eb.fn("lower", [eb.ref("email")]), "=", normalizeEmail(input.email)))
      .forUpdate()
      .executeTakeFirst();
    if (!account) throw new AppError("NOT_FOUND", "No account has this email; ask the person to register first.");
    const existing = await trx
      .selectFrom("catalog.artist_managers")
      .select("added_at")
      .where("artist_id", "=", input.artistId)
      .where("user_id", "=", account.id)
      .executeTakeFirst();
    if (existing) return { user_id: account.id, email: account.email, added_at: existing.added_at.toISOString() };
    await addArtistManager(trx, { artistId: input.artistId, userId: account.id, addedBy: input.actor.userId });
    const roles = account.roles.includes("artist") ? account.roles : [...account.roles, "artist" as const];
    if (roles !== account.roles) await trx.updateTable("auth.accounts").set({ roles, updated_at: new Date() }).where("id", "=", account.id).execute();
    const addedAt = new Date();
    await recordAudit(trx, {
      actor: input.actor,
      action: "artist.manager.add",
      targetType: "artist",
      targetId: input.artistId,
      before: { roles: account.roles },
      after: { user_id: account.id, roles },
      requestId: input.requestId,
    });
    await writeOutbox(trx, {
      type: "tunec.catalog.artist-manager-added.v1",
      source: "/tunec/catalog",
      ...(input.traceparent ? { traceparent: input.traceparent } : {}),
      data: { artistId: input.artistId, artistName: artist.name, userId: account.id, addedAt: addedAt.toISOString() },
    });
    return { user_id: account.id, email: account.email, added_at: addedAt.toISOString() };
  });
}

/** Unlinks an account; its `artist` role stays (it may manage other profiles, or apply again). */
export async function removeManager(db: Kysely<Database>, input: { artistId: string; userId: string } & Context): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await removeArtistManager(trx, { artistId: input.artistId, userId: input.userId }))) {
      throw new AppError("NOT_FOUND", "This account does not manage this artist.");
    }
    await recordAudit(trx, {
      actor: input.actor,
      action: "artist.manager.remove",
      targetType: "artist",
      targetId: input.artistId,
      before: { user_id: input.userId },
      requestId: input.requestId,
    });
  });
}
