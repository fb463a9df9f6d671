/**
 * Turns a provider identity into a TUNEC account, reusing the account
 * repository (../accounts.ts):
 *   1. a known identity (provider + subject) signs into its account;
 *   2. else an account with the same email links, but only when the provider
 *      vouches for the email (verified), or anyone controlling some provider
 *      account could take over a password account. If that account never
 *      proved the address itself, whoever registered it may be a squatter
 *      waiting for the owner (issue 17, item 2): the account is "claimed" —
 *      its password removed, the address verified — and the caller revokes
 *      its sessions, so only the provider's user is left inside;
 *   3. else a new account (no password) is created and linked, verified when
 *      the provider vouches for the address.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import { AppError } from "../../../shared/errors.ts";
import { claimUnverifiedAccount, createAccount, findAccountByEmail, findAccountByIdentity, linkIdentity, type Account } from "../accounts.ts";
import type { ExternalIdentity } from "./providers/index.ts";

export type SignInOutcome = "signed-in" | "linked" | "claimed" | "created";

export async function accountForIdentity(db: Kysely<Database>, identity: ExternalIdentity): Promise<{ account: Account; outcome: SignInOutcome }> {
  return db.transaction().execute(async (trx) => {
    const link = (account: Account) =>
      linkIdentity(trx, {
        provider: identity.provider,
        subject: identity.subject,
        accountId: account.id,
        email: identity.email,
        emailVerified: identity.emailVerified,
      });

    const known = await findAccountByIdentity(trx, identity.provider, identity.subject);
    if (known) {
      await link(known); // refreshes the email and last_sign_in_at
      return { account: known, outcome: "signed-in" as const };
    }
    if (!identity.email) {
      throw new AppError("OAUTH_SIGN_IN_FAILED", "The provider did not share an email address; allow access to it and try again.");
    }
    const existing = await findAccountByEmail(trx, identity.email);
    if (existing) {
      if (!identity.emailVerified) {
        throw new AppError(
          "CONFLICT",
          "An account with this email already exists, and the provider does not confirm the address: sign in with that account instead.",
        );
      }
      if (!(await link(existing))) throw linkRace();
      if (existing.emailVerifiedAt) return { account: existing, outcome: "linked" as const };
      await claimUnverifiedAccount(trx, existing.id);
      return { account: { ...existing, passwordHash: null, emailVerifiedAt: new Date() }, outcome: "claimed" as const };
    }
    const created = await createAccount(trx, { email: identity.email, passwordHash: null, emailVerified: identity.emailVerified });
    // null: the email was taken between our lookup and the insert; a retry takes the linking path.
    if (!created || !(await link(created))) throw linkRace();
    return { account: created, outcome: "created" as const };
  });
}

function linkRace(): AppError {
  return new AppError("CONFLICT", "Another sign-in for this account ran at the same moment; try again.");
}
