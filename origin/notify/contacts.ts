/**
 * Who a user is for the purpose of writing to them: their email address
 * (owned by auth), their language and name (owned by users).
 *
 * The adapter reads auth.accounts and users.profiles directly, read-only. The
 * rule is that a context never WRITES another's schema; a narrow read of two
 * columns at send time is the cheapest correct option here:
 *  - the address is needed exactly when we write, and must be the current one;
 *  - carrying email addresses in events would put personal data on every
 *    topic's retention and in front of outside consumers (Events Statistics);
 *  - keeping a copy in `notify` would need AccountCreated/EmailChanged events
 *    that do not exist, and a copy that can go stale.
 * The port keeps the coupling in this one file: if auth moves out of this
 * database, an adapter over an auth API or a published view replaces it.
 */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import { type Locale, localeOf } from "./templates/messages.ts";

export interface Contact {
  /** Null when the account is gone (deleted) or has no address. */
  email: string | null;
  locale: Locale;
  displayName: string | null;
}

export interface ContactDirectory {
  contactOf(db: Kysely<Database> | Transaction<Database>, userId: string): Promise<Contact>;
}

export const databaseContactDirectory: ContactDirectory = {
  async contactOf(db, userId) {
    const account = await db.selectFrom("auth.accounts").select("email").where("id", "=", userId).executeTakeFirst();
    const profile = await db.selectFrom("users.profiles").select(["locale", "display_name"]).where("user_id", "=", userId).executeTakeFirst();
    return { email: account?.email ?? null, locale: localeOf(profile?.locale), displayName: profile?.display_name ?? null };
  },
};
