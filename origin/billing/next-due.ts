/**
 * When the billing loop next has time-driven work: a payment deadline (plus
 * the callback slack), the end of a grace period, a refund's retry, a pending
 * payment's next poll. On the embedded database the loop sleeps until then (or
 * until a billing table is written) instead of running every tick.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import { pollHorizonMs } from "./poller.ts";
import type { SagaSettings } from "./saga/decide.ts";

/** The tables whose writes can create billing work (the Worker's checkout, callbacks, an admin's refund). */
export const billingTables = ["billing.subscriptions", "billing.payments", "billing.refunds"] as const;

const millis = (ms: number) => sql`(${ms}::double precision * interval '1 millisecond')`;

/** Milliseconds until the earliest of those (negative: overdue), null when nothing is scheduled. */
export async function msUntilBillingDue(db: Kysely<Database>, settings: SagaSettings, pollAfterMs: number): Promise<number | null> {
  // The same conditions as dueSubscriptions, runRefunds and pollPendingPayments, as times; least() skips nulls.
  const result = await sql<{ ms: number | string | null }>`
    select extract(epoch from least(
      (select min(awaiting_deadline) from billing.subscriptions) + ${millis(settings.callbackSlackMs)},
      (select min(period_end) from billing.subscriptions where state = 'active') + ${millis(settings.graceMs)},
      (select min(next_attempt_at) from billing.refunds where status = 'requested'),
      (select min(greatest(created_at, coalesce(last_polled_at, created_at))) from billing.payments
        where status = 'pending' and provider_payment_id is not null and created_at > now() - ${millis(pollHorizonMs)}) + ${millis(pollAfterMs)}
    ) - now()) * 1000 as ms`.execute(db);
  const ms = result.rows[0]?.ms;
  return ms === null || ms === undefined ? null : Math.ceil(Number(ms));
}
