/**
 * One-time account tokens (auth.account_tokens): 32 random bytes given to the
 * person once (printed by `npm run admin:create`, or mailed as a link), only
 * their SHA-256 kept, spent by a conditional update so a token works exactly
 * once even when two requests race. Runtime neutral (Web Crypto): the Worker
 * spends them, the admin CLI and the notification service mint them.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../../shared/db/database.ts";

type Db = Kysely<Database> | Transaction<Database>;

/**
 * set: the first password of an account made by the admin CLI;
 * reset: a forgotten password; verify-email: proves the account's address;
 * change-email: proves a new address before it replaces the old one.
 */
export type AccountTokenPurpose = "set" | "reset" | "verify-email" | "change-email";

/** Lifetimes: short where the link grants the account (OWASP: reset links live minutes, not days). */
export const accountTokenTtlMs: Record<AccountTokenPurpose, number> = {
  set: 24 * 60 * 60 * 1000,
  reset: 30 * 60 * 1000,
  "verify-email": 3 * 24 * 60 * 60 * 1000,
  "change-email": 60 * 60 * 1000,
};

/** base64url without padding: 43 characters for 32 bytes. */
export const accountTokenPattern = /^[A-Za-z0-9_-]{43}$/;

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

export interface NewAccountToken {
  accountId: string;
  purpose: AccountTokenPurpose;
  /** Defaults to the purpose's lifetime. */
  ttlMs?: number;
  /** The address a verify-email or change-email token proves. */
  email?: string | null;
}

/** Mints a token for an account; earlier unspent tokens of the same purpose stop working. */
export async function createAccountToken(db: Db, input: NewAccountToken): Promise<string> {
  const token = randomToken();
  await db
    .updateTable("auth.account_tokens")
    .set({ used_at: new Date() })
    .where("account_id", "=", input.accountId)
    .where("purpose", "=", input.purpose)
    .where("used_at", "is", null)
    .execute();
  await db
    .insertInto("auth.account_tokens")
    .values({
      hash: await sha256Hex(token),
      account_id: input.accountId,
      purpose: input.purpose,
      email: input.email ?? null,
      expires_at: new Date(Date.now() + (input.ttlMs ?? accountTokenTtlMs[input.purpose])),
    })
    .execute();
  return token;
}

export interface SpentAccountToken {
  accountId: string;
  purpose: AccountTokenPurpose;
  email: string | null;
}

/**
 * Spends a token of one of `purposes`: its account once; null for an unknown,
 * spent or expired token, or one minted for another purpose (a verification
 * link must never set a password).
 */
export async function consumeAccountToken(db: Db, token: string, purposes: readonly AccountTokenPurpose[]): Promise<SpentAccountToken | null> {
  if (!accountTokenPattern.test(token) || purposes.length === 0) return null;
  const row = await db
    .updateTable("auth.account_tokens")
    .set({ used_at: new Date() })
    .where("hash", "=", await sha256Hex(token))
    .where("purpose", "in", purposes)
    .where("used_at", "is", null)
    .where("expires_at", ">", sql<Date>`now()`)
    .returning(["account_id", "purpose", "email"])
    .executeTakeFirst();
  return row ? { accountId: row.account_id, purpose: row.purpose, email: row.email } : null;
}
