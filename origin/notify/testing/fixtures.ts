/** Test support for the notify suites: users with an address and a language, and subscription event data. */
import type { Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import type { EventDataInput } from "../../../shared/events/catalog.ts";
import { createAccount } from "../../../workers/auth/accounts.ts";

export interface TestUser {
  userId: string;
  email: string;
}

/** An account (auth) with a profile (users) in `locale`. */
export async function createUser(db: Kysely<Database>, locale: string, displayName: string | null = null): Promise<TestUser> {
  const email = `listener-${crypto.randomUUID().slice(0, 12)}@example.com`;
  const account = await createAccount(db, { email, passwordHash: null });
  if (!account) throw new Error("account not created");
  await db.insertInto("users.profiles").values({ user_id: account.id, locale, display_name: displayName }).execute();
  return { userId: account.id, email };
}

export function activated(
  userId: string,
  overrides: Partial<EventDataInput<"tunec.billing.subscription-activated.v1">> = {},
): EventDataInput<"tunec.billing.subscription-activated.v1"> {
  return {
    subscriptionId: crypto.randomUUID(),
    userId,
    plan: "monthly",
    paymentId: crypto.randomUUID(),
    renewal: false,
    periodStart: "2026-12-01T00:00:00Z",
    periodEnd: "2027-01-01T00:00:00Z",
    activatedAt: new Date().toISOString(),
    ...overrides,
  };
}

export function failed(userId: string): EventDataInput<"tunec.billing.subscription-failed.v1"> {
  return {
    subscriptionId: crypto.randomUUID(),
    userId,
    plan: "yearly",
    paymentId: crypto.randomUUID(),
    reason: { code: "activation_failed", message: "users did not confirm" },
    compensation: "refund_requested",
    failedAt: new Date().toISOString(),
  };
}

export function expired(userId: string): EventDataInput<"tunec.billing.subscription-expired.v1"> {
  return {
    subscriptionId: crypto.randomUUID(),
    userId,
    plan: "monthly",
    reason: "not_renewed",
    periodEnd: "2027-01-01T00:00:00Z",
    expiredAt: new Date().toISOString(),
  };
}
