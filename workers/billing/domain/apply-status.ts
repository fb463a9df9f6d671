/**
 * What a provider says about a payment (a verified callback or a status poll)
 * becomes our payment's outcome in ONE transaction: the raw callback, a
 * conditional update that only leaves `pending`, and the PaymentCompleted /
 * PaymentFailed outbox row. Ten identical callbacks at once: one update wins,
 * the other nine find the payment no longer pending and change nothing.
 * Web-standard and Kysely only: the edge (callbacks) and origin (polling) share it.
 */
import { sql, type Kysely, type Selectable } from "kysely";
import type { PaymentsTable } from "../../../shared/db/billing.table.ts";
import type { Database } from "../../../shared/db/database.ts";
import { writeOutbox } from "../../../shared/events/outbox.ts";
import type { ProviderPaymentStatus } from "./providers/payment-provider.ts";

export type StatusOutcome = "completed" | "failed" | "unchanged";

export interface ApplyStatusInput {
  provider: string;
  status: ProviderPaymentStatus;
  /** The callback as received; absent for polls. */
  callbackBody?: string;
  traceparent?: string;
}

export const paymentsSource = "/tunec/billing/payments";

const failureMessages = {
  declined: "The bank declined the payment.",
  expired: "The payment link or invoice expired before it was paid.",
  underpaid: "Less than the invoice amount arrived.",
  cancelled: "The payment was cancelled.",
  provider_error: "The payment provider could not process the payment.",
} as const;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function applyProviderStatus(db: Kysely<Database>, input: ApplyStatusInput): Promise<StatusOutcome> {
  // A genuine notification about an order that is not ours (another shop on the same terminal)
  // is recorded and acknowledged, never matched: our payment ids are uuids.
  const ours = uuidPattern.test(input.status.paymentId);
  return db.transaction().execute(async (trx) => {
    const outcome = ours ? await transition(trx, input) : "unchanged";
    if (input.callbackBody !== undefined) {
      await trx
        .insertInto("billing.callbacks")
        .values({
          provider: input.provider,
          verified: true,
          payment_id: ours ? input.status.paymentId : null,
          provider_payment_id: input.status.providerPaymentId,
          reported_status: input.status.state.status,
          outcome,
          body: input.callbackBody,
        })
        .execute();
    }
    return outcome;
  });
}

/**
 * What a provider's state means for our payment: `succeeded` counts only when at least the
 * payment's amount arrived in its currency (a T-Bank CONFIRMED with a smaller Amount, or USDT for
 * a RUB payment, is underpaid), and never when any of it has been refunded or reversed since.
 */
async function judged(trx: Kysely<Database>, status: ProviderPaymentStatus): Promise<ProviderPaymentStatus["state"]> {
  const { state } = status;
  if (state.status !== "succeeded") return state;
  if (state.refunded && state.refunded.amountMinor > 0) return { status: "failed", reason: "cancelled", received: state.received };
  const payment = await trx.selectFrom("billing.payments").select(["amount_minor", "currency"]).where("id", "=", status.paymentId).executeTakeFirst();
  if (!payment) return state;
  const enough = state.received.currency === payment.currency && BigInt(state.received.amountMinor) >= BigInt(payment.amount_minor);
  return enough ? state : { status: "failed", reason: "underpaid", received: state.received };
}

async function transition(trx: Kysely<Database>, { provider, status, traceparent }: ApplyStatusInput): Promise<StatusOutcome> {
  const state = await judged(trx, status);
  if (state.status === "pending") return "unchanged";
  const mine = trx
    .updateTable("billing.payments")
    .where("id", "=", status.paymentId)
    .where("provider", "=", provider)
    .where((eb) => eb.or([eb("provider_payment_id", "is", null), eb("provider_payment_id", "=", status.providerPaymentId)]));
  if (state.status === "succeeded") {
    const row = await mine
      .set({
        status: "succeeded",
        received_minor: state.received.amountMinor,
        completed_at: sql<Date>`now()`,
        provider_payment_id: sql<string>`coalesce(provider_payment_id, ${status.providerPaymentId})`,
      })
      // A payment we marked failed because creating it errored may still have been taken:
      // the money counts (and the saga refunds it, as its subscription has failed).
      .where((eb) =>
        eb.or([
          eb("status", "=", "pending"),
          eb.and([eb("status", "=", "failed"), eb("failure_code", "=", "provider_error"), eb("provider_payment_id", "is", null)]),
        ]),
      )
      .returningAll()
      .executeTakeFirst();
    if (!row) return "unchanged";
    await writeOutbox(trx, {
      type: "tunec.billing.payment-completed.v1",
      source: paymentsSource,
      ...(traceparent ? { traceparent } : {}),
      data: { ...eventBase(row), received: state.received, completedAt: (row.completed_at ?? new Date()).toISOString() },
    });
    return "completed";
  }
  const row = await mine
    .set({
      status: "failed",
      failure_code: state.reason,
      failure_message: failureMessages[state.reason],
      failed_at: sql<Date>`now()`,
      received_minor: state.received?.amountMinor ?? null,
    })
    .where("status", "=", "pending")
    .returningAll()
    .executeTakeFirst();
  if (!row) return "unchanged";
  await writeOutbox(trx, {
    type: "tunec.billing.payment-failed.v1",
    source: paymentsSource,
    ...(traceparent ? { traceparent } : {}),
    data: { ...eventBase(row), reason: { code: state.reason, message: failureMessages[state.reason] }, failedAt: (row.failed_at ?? new Date()).toISOString() },
  });
  return "failed";
}

export function eventBase(row: Selectable<PaymentsTable>) {
  return {
    paymentId: row.id,
    userId: row.user_id,
    subscriptionId: row.subscription_id,
    plan: row.plan,
    method: row.method,
    provider: row.provider,
    providerPaymentId: row.provider_payment_id,
    amount: { amountMinor: Number(row.amount_minor), currency: row.currency },
  };
}

/** Refused callbacks of one provider kept per hour; the rest are only counted. */
export const refusedCallbackSamplePerHour = 20;
/** Kept samples older than this are dropped. */
const refusedSampleDays = 7;

/**
 * A callback that failed verification comes from anyone, so storing each would let a stranger fill
 * the database: it is counted per provider and hour, and only the first few of each hour are kept
 * (for audits), for a week.
 */
export async function recordRejectedCallback(db: Kysely<Database>, provider: string, body: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { refused } = await trx
      .insertInto("billing.refused_callback_counts")
      .values({ provider, hour: sql<Date>`date_trunc('hour', now())`, refused: 1 })
      .onConflict((oc) => oc.columns(["provider", "hour"]).doUpdateSet({ refused: sql<string>`billing.refused_callback_counts.refused + 1` }))
      .returning("refused")
      .executeTakeFirstOrThrow();
    const nth = Number(refused);
    if (nth > refusedCallbackSamplePerHour) return;
    if (nth === 1) {
      // Once an hour per provider: old samples go.
      await trx
        .deleteFrom("billing.callbacks")
        .where("provider", "=", provider)
        .where("verified", "=", false)
        .where("received_at", "<", sql<Date>`now() - make_interval(days => ${refusedSampleDays})`)
        .execute();
    }
    await trx
      .insertInto("billing.callbacks")
      .values({ provider, verified: false, outcome: "rejected", body: body.slice(0, 16_384) })
      .execute();
  });
}
