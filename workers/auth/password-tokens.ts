/**
 * One-time password tokens (auth.password_tokens): 32 random bytes given to
 * the person once, only their SHA-256 kept, spent by a conditional update so a
 * token works exactly once even when two requests race. Runtime neutral (Web
 * Crypto), so the Worker spends them and the admin CLI mints them.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../../shared/db/database.ts";

type Db = Kysely<Database> | Transaction<Database>;

export type PasswordTokenPurpose = "set" | "reset";

/** The lifetime of a password-set link from `npm run admin:create`. */
export const passwordSetTokenTtlMs = 24 * 60 * 60 * 1000;

/** base64url without padding: 43 characters for 32 bytes. */
export const passwordTokenPattern = /^[A-Za-z0-9_-]{43}$/;

async function sha256Hex(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Mints a token for an account; earlier unspent tokens of the same purpose stop working. */
export async function createPasswordToken(db: Db, input: { accountId: string; purpose: PasswordTokenPurpose; ttlMs: number }): Promise<string> {
  const token = randomToken();
  await db
    .updateTable("auth.password_tokens")
    .set({ used_at: new Date() })
    .where("account_id", "=", input.accountId)
    .where("purpose", "=", input.purpose)
    .where("used_at", "is", null)
    .execute();
  await db
    .insertInto("auth.password_tokens")
    .values({ hash: await sha256Hex(token), account_id: input.accountId, purpose: input.purpose, expires_at: new Date(Date.now() + input.ttlMs) })
    .execute();
  return token;
}

/** Spends a token: the account id once, null for an unknown, spent or expired token. */
export async function consumePasswordToken(db: Db, token: string): Promise<{ accountId: string; purpose: PasswordTokenPurpose } | null> {
  if (!passwordTokenPattern.test(token)) return null;
  const row = await db
    .updateTable("auth.password_tokens")
    .set({ used_at: new Date() })
    .where("hash", "=", await sha256Hex(token))
    .where("used_at", "is", null)
    .where("expires_at", ">", sql<Date>`now()`)
    .returning(["account_id", "purpose"])
    .executeTakeFirst();
  return row ? { accountId: row.account_id, purpose: row.purpose } : null;
}
