import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { msUntilBillingDue } from "./next-due.ts";

const settings = { graceMs: 3 * 3_600_000, callbackSlackMs: 30_000 };
const pollAfterMs = 60_000;

describe.each(databaseKinds())("billing's next due time on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });
  beforeEach(async () => {
    await sql`truncate billing.refunds, billing.payments, billing.subscriptions cascade`.execute(database.db);
  });

  const due = () => msUntilBillingDue(database.db, settings, pollAfterMs);
  const subscription = async (values: { state: string; awaitingInMs?: number; periodEndInMs?: number }) => {
    const id = crypto.randomUUID();
    await sql`insert into billing.subscriptions (id, user_id, plan, state, period_start, period_end, awaiting_payment_id, awaiting_deadline)
      values (${id}, ${crypto.randomUUID()}, 'monthly', ${values.state},
        ${values.periodEndInMs === undefined ? null : sql`now() - interval '30 days'`},
        ${values.periodEndInMs === undefined ? null : sql`now() + ${values.periodEndInMs} * interval '1 millisecond'`},
        ${values.awaitingInMs === undefined ? null : crypto.randomUUID()},
        ${values.awaitingInMs === undefined ? null : sql`now() + ${values.awaitingInMs} * interval '1 millisecond'`})`.execute(database.db);
    return id;
  };
  const payment = async (subscriptionId: string, values: { createdAgoMs: number; polledAgoMs?: number; providerId?: string | null; status?: string }) => {
    const id = crypto.randomUUID();
    const status = values.status ?? "pending";
    await sql`insert into billing.payments (id, subscription_id, user_id, plan, purpose, method, provider, provider_payment_id, amount_minor, currency,
        status, failure_code, expires_at, created_at, last_polled_at)
      values (${id}, ${subscriptionId}, ${crypto.randomUUID()}, 'monthly', 'initial', 'sbp', 'fake',
        ${values.providerId === undefined ? `p-${id}` : values.providerId}, 29900, 'RUB', ${status}, ${status === "failed" ? "declined" : null},
        now() + interval '15 minutes', now() - ${values.createdAgoMs} * interval '1 millisecond',
        ${values.polledAgoMs === undefined ? null : sql`now() - ${values.polledAgoMs} * interval '1 millisecond'`})`.execute(database.db);
    return id;
  };
  const near = (value: number | null, expected: number) => {
    expect(value).not.toBeNull();
    expect(Math.abs((value ?? 0) - expected)).toBeLessThan(5_000);
  };

  it("is null when nothing is scheduled", async () => {
    await subscription({ state: "failed" });
    expect(await due()).toBeNull();
  });

  it("is a payment deadline plus the callback slack", async () => {
    await subscription({ state: "awaiting_payment", awaitingInMs: 600_000 });
    near(await due(), 600_000 + settings.callbackSlackMs);
  });

  it("is the end of an active period plus the grace, and overdue work is negative", async () => {
    await subscription({ state: "active", periodEndInMs: 3_600_000 });
    near(await due(), 3_600_000 + settings.graceMs);
    await subscription({ state: "active", periodEndInMs: -(settings.graceMs + 120_000) });
    near(await due(), -120_000);
  });

  it("is a pending payment's next poll, counted from its last poll, and only while it is worth asking", async () => {
    const id = await subscription({ state: "failed" });
    await payment(id, { createdAgoMs: 10 * 60_000, providerId: null }); // never reached its provider: nothing to ask
    await payment(id, { createdAgoMs: 10 * 60_000, status: "failed" });
    await payment(id, { createdAgoMs: 25 * 3_600_000 }); // past the day it is polled for
    expect(await due()).toBeNull();
    await payment(id, { createdAgoMs: 10 * 60_000, polledAgoMs: 20_000 });
    near(await due(), pollAfterMs - 20_000);
    await payment(id, { createdAgoMs: 5_000 });
    near(await due(), pollAfterMs - 20_000);
  });

  it("is a requested refund's next attempt", async () => {
    const id = await subscription({ state: "failed" });
    const paid = await payment(id, { createdAgoMs: 60_000, status: "succeeded" });
    await sql`insert into billing.refunds (payment_id, subscription_id, idempotency_key, amount_minor, currency, next_attempt_at)
      values (${paid}, ${id}, ${crypto.randomUUID()}, 29900, 'RUB', now() + interval '90 seconds')`.execute(database.db);
    near(await due(), 90_000);
  });
});
