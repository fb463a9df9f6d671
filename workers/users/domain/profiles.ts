/**
 * Profiles: one row per account, created on first read. Every change commits
 * with its UserUpdated event (outbox) so auth and other contexts follow it.
 */
import type { Kysely, Selectable } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import type { ProfilesTable } from "../../../shared/db/users.table.ts";
import { writeOutbox } from "../../../shared/events/outbox.ts";
import { usersSource } from "../schemas.ts";

export type ProfileRow = Selectable<ProfilesTable>;

export interface ProfileChanges {
  displayName?: string | null | undefined;
  avatarUrl?: string | null | undefined;
  locale?: string | undefined;
}

async function ensureProfile(db: Kysely<Database>, userId: string): Promise<void> {
  await db
    .insertInto("users.profiles")
    .values({ user_id: userId })
    .onConflict((oc) => oc.column("user_id").doNothing())
    .execute();
}

export async function getOrCreateProfile(db: Kysely<Database>, userId: string): Promise<ProfileRow> {
  await ensureProfile(db, userId);
  return db.selectFrom("users.profiles").selectAll().where("user_id", "=", userId).executeTakeFirstOrThrow();
}

/** Applies the changes that differ from the stored profile; an empty diff writes nothing and publishes nothing. */
export async function updateProfile(db: Kysely<Database>, userId: string, changes: ProfileChanges, traceparent?: string): Promise<ProfileRow> {
  return db.transaction().execute(async (trx) => {
    await ensureProfile(trx, userId);
    const current = await trx.selectFrom("users.profiles").selectAll().where("user_id", "=", userId).forUpdate().executeTakeFirstOrThrow();
    const changed: Array<"displayName" | "avatarUrl" | "locale"> = [];
    if (changes.displayName !== undefined && changes.displayName !== current.display_name) changed.push("displayName");
    if (changes.avatarUrl !== undefined && changes.avatarUrl !== current.avatar_url) changed.push("avatarUrl");
    if (changes.locale !== undefined && changes.locale !== current.locale) changed.push("locale");
    if (changed.length === 0) return current;
    const updated = await trx
      .updateTable("users.profiles")
      .set({
        ...(changed.includes("displayName") ? { display_name: changes.displayName ?? null } : {}),
        ...(changed.includes("avatarUrl") ? { avatar_url: changes.avatarUrl ?? null } : {}),
        ...(changed.includes("locale") && changes.locale ? { locale: changes.locale } : {}),
        updated_at: new Date(),
      })
      .where("user_id", "=", userId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeOutbox(trx, {
      type: "tunec.users.user-updated.v1",
      source: usersSource,
      ...(traceparent ? { traceparent } : {}),
      data: {
        userId,
        changed,
        displayName: updated.display_name,
        avatarUrl: updated.avatar_url,
        locale: updated.locale,
        isPremium: updated.is_premium,
        premiumUntil: updated.premium_until?.toISOString() ?? null,
        updatedAt: updated.updated_at.toISOString(),
      },
    });
    return updated;
  });
}
