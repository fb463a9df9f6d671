/**
 * Email ownership and the mailed account links (issue 17, item 2; ASVS 5 V6):
 *
 *  - the edge asks for a mail by writing AccountEmailRequested to the outbox,
 *    in the transaction that made the need (registration, a forgotten
 *    password, a new address);
 *  - the notification service mints the link with `mintAccountLink` when it
 *    writes the mail, so neither the address nor the token crosses Kafka;
 *  - the edge spends the token (`verifyEmail`, POST /auth/password/set).
 *
 * A link proves the address it was minted for: a verification link for an
 * address the account has since changed, or a change link for an address the
 * account no longer wants, proves nothing.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { EventData } from "../../shared/events/catalog.ts";
import { writeOutbox } from "../../shared/events/outbox.ts";
import { normalizeEmail } from "./accounts.ts";
import { accountTokenTtlMs, consumeAccountToken, createAccountToken, type AccountTokenPurpose } from "./account-tokens.ts";

type Db = Kysely<Database> | Transaction<Database>;

export type AccountMailPurpose = EventData<"tunec.auth.account-email-requested.v1">["purpose"];

const authSource = "/tunec/auth";

/** Queues a mail for an account (delivered by origin/notify); call it inside the transaction that made the need. */
export async function requestAccountEmail(trx: Transaction<Database>, userId: string, purpose: AccountMailPurpose, traceparent?: string): Promise<void> {
  await writeOutbox(trx, {
    type: "tunec.auth.account-email-requested.v1",
    source: authSource,
    ...(traceparent ? { traceparent } : {}),
    data: { userId, purpose, requestedAt: new Date().toISOString() },
  });
}

const tokenPurposeOf: Record<AccountMailPurpose, AccountTokenPurpose> = {
  "verify-email": "verify-email",
  "change-email": "change-email",
  "reset-password": "reset",
};

export interface AccountLink {
  /** Where the mail goes: the account's address, or the new one for change-email. */
  to: string;
  token: string;
  expiresAt: Date;
}

/**
 * Mints the token of a requested mail, or null when there is nothing to send
 * any more (the account is gone, the address is already verified, the new
 * address was withdrawn or taken meanwhile). Earlier links of the same purpose
 * stop working: only the newest mail counts.
 */
export async function mintAccountLink(db: Db, userId: string, purpose: AccountMailPurpose): Promise<AccountLink | null> {
  const account = await db.selectFrom("auth.accounts").select(["email", "email_verified_at", "pending_email"]).where("id", "=", userId).executeTakeFirst();
  if (!account) return null;
  let to: string;
  switch (purpose) {
    case "verify-email":
      if (account.email_verified_at) return null;
      to = account.email;
      break;
    case "change-email":
      if (!account.pending_email || (await emailTaken(db, account.pending_email))) return null;
      to = account.pending_email;
      break;
    case "reset-password":
      to = account.email;
      break;
  }
  const tokenPurpose = tokenPurposeOf[purpose];
  const ttlMs = accountTokenTtlMs[tokenPurpose];
  const token = await createAccountToken(db, { accountId: userId, purpose: tokenPurpose, email: to, ttlMs });
  return { to, token, expiresAt: new Date(Date.now() + ttlMs) };
}

async function emailTaken(db: Db, email: string): Promise<boolean> {
  const row = await db
    .selectFrom("auth.accounts")
    .select("id")
    .where((eb) => eb(eb.fn("lower", [eb.ref("email")]), "=", normalizeEmail(email)))
    .executeTakeFirst();
  return row !== undefined;
}

export type EmailVerification = { ok: true; accountId: string; email: string; changed: boolean } | { ok: false; reason: "invalid" | "stale" | "taken" };

/**
 * Spends a verify-email or change-email token. verify-email marks the address
 * verified if it is still the account's; change-email makes the new address
 * the account's (verified), if it is still the one asked for and nobody took it.
 */
export async function verifyEmail(trx: Transaction<Database>, token: string): Promise<EmailVerification> {
  const spent = await consumeAccountToken(trx, token, ["verify-email", "change-email"]);
  if (!spent || !spent.email) return { ok: false, reason: "invalid" };
  const email = normalizeEmail(spent.email);
  if (spent.purpose === "verify-email") {
    const row = await trx
      .updateTable("auth.accounts")
      .set({ email_verified_at: sql<Date>`coalesce(email_verified_at, now())`, updated_at: new Date() })
      .where("id", "=", spent.accountId)
      .where("email", "=", email)
      .returning("id")
      .executeTakeFirst();
    return row ? { ok: true, accountId: spent.accountId, email, changed: false } : { ok: false, reason: "stale" };
  }
  if (await emailTaken(trx, email)) return { ok: false, reason: "taken" };
  const row = await trx
    .updateTable("auth.accounts")
    .set({ email, pending_email: null, email_verified_at: new Date(), updated_at: new Date() })
    .where("id", "=", spent.accountId)
    .where("pending_email", "=", email)
    .returning("id")
    .executeTakeFirst();
  return row ? { ok: true, accountId: spent.accountId, email, changed: true } : { ok: false, reason: "stale" };
}

/** A spent reset link proves the mailbox too: the address it went to becomes verified. */
export async function markEmailVerified(db: Db, accountId: string, email: string): Promise<void> {
  await db
    .updateTable("auth.accounts")
    .set({ email_verified_at: sql<Date>`coalesce(email_verified_at, now())` })
    .where("id", "=", accountId)
    .where("email", "=", normalizeEmail(email))
    .execute();
}

/** Records a new address the account wants; it replaces the old only once its link is followed. */
export async function setPendingEmail(trx: Transaction<Database>, accountId: string, email: string): Promise<void> {
  await trx
    .updateTable("auth.accounts")
    .set({ pending_email: normalizeEmail(email), updated_at: new Date() })
    .where("id", "=", accountId)
    .execute();
}
