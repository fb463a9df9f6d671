/**
 * Storage of Subsonic credentials (subsonic.api_keys, subsonic.app_passwords)
 * and the account each one signs in as. Reading auth.accounts here is a
 * synchronous read of another context's table on purpose: whether the
 * listener is premium must be as fresh as a refreshed access token.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { Role } from "../../shared/db/auth.table.ts";
import { AppError } from "../../shared/errors.ts";
import { decryptSecret, encryptSecret, newApiKey, newAppPassword, sha256Hex } from "./secrets.ts";

/** Enough for every device a person owns; bounds the token-auth loop, which decrypts each one. */
export const maxCredentialsPerUser = 20;

/** Skips the write on most requests: last use is shown to the listener, to the hour. */
const touchAfterMs = 60 * 60 * 1000;

export interface CredentialView {
  id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

export interface SubsonicAccount {
  userId: string;
  email: string;
  roles: Role[];
  isPremium: boolean;
  /** The API key or app password used: a device, so it names the stream lease's session. */
  credentialId: string;
}

const iso = (column: string) => sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
const isoOrNull = (column: string) => sql<string | null>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

type Kind = "api_keys" | "app_passwords";

async function countOf(db: Kysely<Database>, kind: Kind, userId: string): Promise<number> {
  const row = await db
    .selectFrom(`subsonic.${kind}`)
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("user_id", "=", userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function refuseOverLimit(db: Kysely<Database>, kind: Kind, userId: string): Promise<void> {
  if ((await countOf(db, kind, userId)) >= maxCredentialsPerUser) {
    throw new AppError("CONFLICT", `At most ${maxCredentialsPerUser} ${kind === "api_keys" ? "API keys" : "app passwords"} per account; revoke one first.`);
  }
}

export async function listCredentials(db: Kysely<Database>, kind: Kind, userId: string): Promise<CredentialView[]> {
  return db
    .selectFrom(`subsonic.${kind}`)
    .select(["id", "name", iso("created_at").as("created_at"), isoOrNull("last_used_at").as("last_used_at")])
    .where("user_id", "=", userId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
}

/** True when the caller's credential existed; revoking is deleting, so a revoked secret matches nothing. */
export async function revokeCredential(db: Kysely<Database>, kind: Kind, userId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom(`subsonic.${kind}`).where("id", "=", id).where("user_id", "=", userId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function createApiKey(db: Kysely<Database>, userId: string, name: string): Promise<CredentialView & { key: string }> {
  await refuseOverLimit(db, "api_keys", userId);
  const key = newApiKey();
  const row = await db
    .insertInto("subsonic.api_keys")
    .values({ user_id: userId, name, key_hash: await sha256Hex(key) })
    .returning(["id", "name", iso("created_at").as("created_at"), isoOrNull("last_used_at").as("last_used_at")])
    .executeTakeFirstOrThrow();
  return { ...row, key };
}

export async function createAppPassword(
  db: Kysely<Database>,
  secretKey: CryptoKey,
  userId: string,
  name: string,
): Promise<CredentialView & { password: string }> {
  await refuseOverLimit(db, "app_passwords", userId);
  const password = newAppPassword();
  // The id is the ciphertext's associated data, so it is chosen before the insert.
  const id = crypto.randomUUID();
  const row = await db
    .insertInto("subsonic.app_passwords")
    .values({ id, user_id: userId, name, secret: await encryptSecret(secretKey, password, id) })
    .returning(["id", "name", iso("created_at").as("created_at"), isoOrNull("last_used_at").as("last_used_at")])
    .executeTakeFirstOrThrow();
  return { ...row, password };
}

async function touch(db: Kysely<Database>, kind: Kind, id: string, lastUsed: Date | null): Promise<void> {
  if (lastUsed && Date.now() - lastUsed.getTime() < touchAfterMs) return;
  await db.updateTable(`subsonic.${kind}`).set({ last_used_at: new Date() }).where("id", "=", id).execute();
}

/** The account an API key signs in as; undefined for an unknown or revoked key. */
export async function accountByApiKey(db: Kysely<Database>, key: string): Promise<SubsonicAccount | undefined> {
  const row = await db
    .selectFrom("subsonic.api_keys as k")
    .innerJoin("auth.accounts as a", "a.id", "k.user_id")
    .select(["k.id", "k.last_used_at", "a.id as user_id", "a.email", "a.roles", "a.is_premium"])
    .where("k.key_hash", "=", await sha256Hex(key))
    .executeTakeFirst();
  if (!row) return undefined;
  await touch(db, "api_keys", row.id, row.last_used_at);
  return { userId: row.user_id, email: row.email, roles: row.roles, isPremium: row.is_premium, credentialId: row.id };
}

/**
 * The account `username` (its email) signs in as when `matches` accepts one of
 * its app passwords. Undefined for an unknown account and for a wrong password
 * alike: the answer never tells whether the account exists.
 */
export async function accountByAppPassword(
  db: Kysely<Database>,
  secretKey: CryptoKey,
  username: string,
  matches: (password: string) => boolean,
): Promise<SubsonicAccount | undefined> {
  const rows = await db
    .selectFrom("auth.accounts as a")
    .innerJoin("subsonic.app_passwords as p", "p.user_id", "a.id")
    .select(["p.id", "p.secret", "p.last_used_at", "a.id as user_id", "a.email", "a.roles", "a.is_premium"])
    .where("a.email", "=", username.trim().toLowerCase())
    .limit(maxCredentialsPerUser)
    .execute();
  for (const row of rows) {
    const password = await decryptSecret(secretKey, row.secret, row.id);
    if (password !== null && matches(password)) {
      await touch(db, "app_passwords", row.id, row.last_used_at);
      return { userId: row.user_id, email: row.email, roles: row.roles, isPremium: row.is_premium, credentialId: row.id };
    }
  }
  return undefined;
}
