/**
 * Accounts and sign-in identities: the auth context's repository. Plain
 * functions over a Kysely handle or transaction (the caller opens the
 * transaction). The OAuth sign-in reuses these:
 *
 * @example
 *   const account = (await findAccountByIdentity(db, "google", sub))
 *     ?? (await findAccountByEmail(db, email))
 *     ?? (await createAccount(db, { email, passwordHash: null }));
 *   await linkIdentity(db, { provider: "google", subject: sub, accountId: account.id, email, emailVerified: true });
 *   const tokens = await issueSession(auth, account, client); // ./sessions.ts
 */
import type { Kysely, Transaction } from "kysely";
import type { Role } from "../../shared/db/auth.table.ts";
import type { Database } from "../../shared/db/database.ts";

export type { Role } from "../../shared/db/auth.table.ts";
export const roles = ["listener", "artist", "editor", "admin"] as const satisfies readonly Role[];

type Db = Kysely<Database> | Transaction<Database>;

export interface Account {
  id: string;
  email: string;
  roles: Role[];
  isPremium: boolean;
  /** PHC argon2id string; null when the account signs in only through OAuth. */
  passwordHash: string | null;
  /** When the owner proved the address; null while unproven (such an account is never linked to an OAuth identity). */
  emailVerifiedAt: Date | null;
}

/** Email addresses compare case-insensitively and without surrounding blanks. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const accountColumns = ["id", "email", "roles", "is_premium", "password_hash", "email_verified_at"] as const;

function toAccount(row: {
  id: string;
  email: string;
  roles: Role[];
  is_premium: boolean;
  password_hash: string | null;
  email_verified_at: Date | null;
}): Account {
  return { id: row.id, email: row.email, roles: row.roles, isPremium: row.is_premium, passwordHash: row.password_hash, emailVerifiedAt: row.email_verified_at };
}

/**
 * Creates an account, or returns null when the email is taken (no exception, so
 * callers can answer both cases alike). New accounts are listeners.
 */
export async function createAccount(
  db: Db,
  input: { email: string; passwordHash: string | null; roles?: Role[]; emailVerified?: boolean },
): Promise<Account | null> {
  const row = await db
    .insertInto("auth.accounts")
    .values({
      email: normalizeEmail(input.email),
      password_hash: input.passwordHash,
      roles: input.roles ?? ["listener"],
      email_verified_at: input.emailVerified ? new Date() : null,
    })
    // The only unique constraint a new row can hit is the lower(email) index.
    .onConflict((conflict) => conflict.doNothing())
    .returning(accountColumns)
    .executeTakeFirst();
  return row ? toAccount(row) : null;
}

export async function findAccountByEmail(db: Db, email: string): Promise<Account | null> {
  const row = await db
    .selectFrom("auth.accounts")
    .select(accountColumns)
    .where((eb) => eb(eb.fn("lower", [eb.ref("email")]), "=", normalizeEmail(email)))
    .executeTakeFirst();
  return row ? toAccount(row) : null;
}

export async function findAccountById(db: Db, id: string): Promise<Account | null> {
  const row = await db.selectFrom("auth.accounts").select(accountColumns).where("id", "=", id).executeTakeFirst();
  return row ? toAccount(row) : null;
}

export async function findAccountByIdentity(db: Db, provider: string, subject: string): Promise<Account | null> {
  const row = await db
    .selectFrom("auth.identities as i")
    .innerJoin("auth.accounts as a", "a.id", "i.account_id")
    .select(["a.id", "a.email", "a.roles", "a.is_premium", "a.password_hash", "a.email_verified_at"])
    .where("i.provider", "=", provider)
    .where("i.subject", "=", subject)
    .executeTakeFirst();
  return row ? toAccount(row) : null;
}

export interface IdentityLink {
  provider: string;
  subject: string;
  accountId: string;
  email: string | null;
  emailVerified: boolean;
}

/**
 * Links a provider identity to an account (idempotent: a repeated sign-in only
 * refreshes the email and `last_sign_in_at`). An identity never moves to
 * another account; linking one that belongs elsewhere returns false.
 */
export async function linkIdentity(db: Db, link: IdentityLink): Promise<boolean> {
  const email = link.email === null ? null : normalizeEmail(link.email);
  const row = await db
    .insertInto("auth.identities")
    .values({ provider: link.provider, subject: link.subject, account_id: link.accountId, email, email_verified: link.emailVerified })
    .onConflict((conflict) =>
      conflict
        .columns(["provider", "subject"])
        .doUpdateSet({ email, email_verified: link.emailVerified, last_sign_in_at: new Date() })
        .where("auth.identities.account_id", "=", link.accountId),
    )
    .returning("account_id")
    .executeTakeFirst();
  return row !== undefined;
}

/** Replaces an account's roles; the new claims reach tokens at the next refresh. */
export async function setRoles(db: Db, id: string, newRoles: Role[]): Promise<Account | null> {
  const row = await db
    .updateTable("auth.accounts")
    .set({ roles: [...new Set(newRoles)], updated_at: new Date() })
    .where("id", "=", id)
    .returning(accountColumns)
    .executeTakeFirst();
  return row ? toAccount(row) : null;
}

/**
 * Applies the users context's premium flag (UserUpdated) as of `asOf`, the
 * event's time: an event older than the last one applied changes nothing.
 * True when the flag or its version changed.
 */
export async function setPremium(db: Db, id: string, isPremium: boolean, asOf: Date = new Date()): Promise<boolean> {
  const result = await db
    .updateTable("auth.accounts")
    .set({ is_premium: isPremium, premium_changed_at: asOf, updated_at: new Date() })
    .where("id", "=", id)
    .where((eb) => eb.or([eb("premium_changed_at", "is", null), eb("premium_changed_at", "<", asOf)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * The owner of an address proved it through a provider while the account
 * claiming it never did: whoever registered it first (possibly a squatter)
 * loses the password, the address becomes verified. The caller revokes the
 * account's sessions, so nobody but the provider's user is left inside.
 */
export async function claimUnverifiedAccount(db: Db, id: string): Promise<void> {
  await db
    .updateTable("auth.accounts")
    .set({ password_hash: null, email_verified_at: new Date(), pending_email: null, updated_at: new Date() })
    .where("id", "=", id)
    .where("email_verified_at", "is", null)
    .execute();
}

/** Stores a password hash made with today's parameters (rehash on sign-in). */
export async function updatePasswordHash(db: Db, id: string, passwordHash: string): Promise<void> {
  await db.updateTable("auth.accounts").set({ password_hash: passwordHash, updated_at: new Date() }).where("id", "=", id).execute();
}
