/**
 * POST /subscribe's work: claim the Idempotency-Key, open the subscription
 * saga (or a renewal on the live subscription) with its payment row in one
 * transaction, ask the provider for the payment while the listener waits, and
 * store the answer under the key. A repeat with the same key and body gets the
 * stored answer; one that finds the work unfinished (a crash, a concurrent
 * twin) finishes the same payment, which the provider dedupes by our payment id.
 */
import { sql, type Kysely, type Selectable } from "kysely";
import type { IdempotencyKeysTable, PaymentsTable } from "../../../shared/db/billing.table.ts";
import type { Database } from "../../../shared/db/database.ts";
import { AppError } from "../../../shared/errors.ts";
import { writeOutbox } from "../../../shared/events/outbox.ts";
import { eventBase, paymentsSource } from "./apply-status.ts";
import { instructionsView } from "./instructions.ts";
import type { PaymentProviders } from "./payment-providers.ts";
import { priceOf, type Plan, type PriceConfig } from "./plans.ts";
import type { PaymentInstructions, PaymentMethod, PaymentProvider } from "./providers/payment-provider.ts";

export interface SubscribeInput {
  userId: string;
  plan: Plan;
  method: PaymentMethod;
  idempotencyKey: string;
  /** SHA-256 of the canonical request body. */
  requestHash: string;
  traceparent?: string;
}

export interface SubscribeSettings {
  prices: PriceConfig;
  /** How long the QR / invoice may be paid. */
  paymentTtlMs: number;
}

export interface SubscribeAnswer {
  status: number;
  body: Record<string, unknown>;
}

const uniqueViolation = "23505";
/** A key younger than this without an answer belongs to a request still running; older, to one that died. */
const inProgressMs = 30_000;

export async function subscribe(
  db: Kysely<Database>,
  providers: PaymentProviders,
  settings: SubscribeSettings,
  input: SubscribeInput,
): Promise<SubscribeAnswer> {
  const provider = providers.forMethod(input.method);
  if (!provider) throw new AppError("SERVICE_UNAVAILABLE", `Payments by ${input.method.toUpperCase()} are not available on this server.`);

  const claimed = await claimOrReplay(db, settings, provider, input);
  if ("answer" in claimed) return claimed.answer;
  const payment = claimed.payment;

  let instructions: PaymentInstructions;
  let providerPaymentId: string;
  try {
    const created = await provider.createPayment({
      paymentId: payment.id,
      amount: { amountMinor: Number(payment.amount_minor), currency: payment.currency },
      description: `TUNEC Premium (${payment.plan === "monthly" ? "1 month" : "1 year"})`,
      idempotencyKey: payment.id,
      expiresAt: payment.expires_at,
    });
    instructions = created.instructions;
    providerPaymentId = created.providerPaymentId;
  } catch (error) {
    await abandonPayment(db, payment, input);
    // The provider's own words (hosts, account state, request ids) go to the log, never the client.
    const failure = new AppError("BAD_GATEWAY", "The payment provider did not create the payment; try again.");
    failure.cause = error;
    throw failure;
  }

  // A processor may keep the invoice open longer than we asked (NOWPayments sets its own): the
  // saga waits until the later of the two, so money paid in time is never treated as late.
  const providerExpiry = instructions.kind === "usdt_trc20" ? new Date(instructions.expiresAt) : null;
  const expiresAt = providerExpiry && providerExpiry.getTime() > payment.expires_at.getTime() ? providerExpiry : payment.expires_at;
  const body = answerBody({ ...payment, expires_at: expiresAt }, instructions);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("billing.payments")
      .set({ provider_payment_id: providerPaymentId, instructions: JSON.stringify(instructions), expires_at: expiresAt })
      .where("id", "=", payment.id)
      .where("provider_payment_id", "is", null)
      .execute();
    if (expiresAt !== payment.expires_at) {
      await trx
        .updateTable("billing.subscriptions")
        .set({ awaiting_deadline: expiresAt })
        .where("id", "=", payment.subscription_id)
        .where("awaiting_payment_id", "=", payment.id)
        .execute();
    }
    await trx
      .updateTable("billing.idempotency_keys")
      .set({ status_code: 201, response: JSON.stringify(body) })
      .where("user_id", "=", input.userId)
      .where("key", "=", input.idempotencyKey)
      .execute();
  });
  return { status: 201, body };
}

type Claim = { answer: SubscribeAnswer } | { payment: Selectable<PaymentsTable> };

async function claimOrReplay(db: Kysely<Database>, settings: SubscribeSettings, provider: PaymentProvider, input: SubscribeInput): Promise<Claim> {
  try {
    return await db.transaction().execute(async (trx) => {
      const claim = await trx
        .insertInto("billing.idempotency_keys")
        .values({ user_id: input.userId, key: input.idempotencyKey, request_hash: input.requestHash })
        .onConflict((oc) => oc.doNothing())
        .returning("key")
        .executeTakeFirst();
      if (!claim) return replay(trx, input);
      const payment = await openPayment(trx, settings, provider, input);
      await trx
        .updateTable("billing.idempotency_keys")
        .set({ payment_id: payment.id })
        .where("user_id", "=", input.userId)
        .where("key", "=", input.idempotencyKey)
        .execute();
      return { payment };
    });
  } catch (error) {
    // Two different keys racing for one user: the partial unique index lets one live subscription through.
    if (isUniqueViolation(error)) throw new AppError("CONFLICT", "Another subscription request for this account is in progress; retry in a moment.");
    throw error;
  }
}

async function replay(trx: Kysely<Database>, input: SubscribeInput): Promise<Claim> {
  const stored: Selectable<IdempotencyKeysTable> = await trx
    .selectFrom("billing.idempotency_keys")
    .selectAll()
    .where("user_id", "=", input.userId)
    .where("key", "=", input.idempotencyKey)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (stored.request_hash !== input.requestHash) {
    throw new AppError("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used for a different request; use a new key for a new request.");
  }
  if (stored.status_code !== null && stored.response) return { answer: { status: stored.status_code, body: stored.response } };
  // Its twin is still talking to the provider: two concurrent creates could race there.
  if (stored.created_at.getTime() > Date.now() - inProgressMs) {
    throw new AppError("CONFLICT", "A request with this Idempotency-Key is still in progress; retry in a few seconds.", { headers: { "retry-after": "2" } });
  }
  const payment = stored.payment_id ? await trx.selectFrom("billing.payments").selectAll().where("id", "=", stored.payment_id).executeTakeFirst() : undefined;
  if (!payment || payment.status === "failed") {
    throw new AppError("CONFLICT", "A request with this Idempotency-Key did not finish; use a new key.");
  }
  return { payment };
}

async function openPayment(trx: Kysely<Database>, settings: SubscribeSettings, provider: PaymentProvider, input: SubscribeInput) {
  const live = await trx
    .selectFrom("billing.subscriptions")
    .selectAll()
    .where("user_id", "=", input.userId)
    .where("state", "in", ["awaiting_payment", "active"])
    .forUpdate()
    .executeTakeFirst();
  if (live?.awaiting_payment_id) {
    const what = live.state === "active" ? "A renewal payment" : "A subscription payment";
    throw new AppError(
      "CONFLICT",
      `${what} is already waiting (payment ${live.awaiting_payment_id}); pay it or wait until it expires at ${live.awaiting_deadline?.toISOString()}.`,
    );
  }
  const amount = priceOf(settings.prices, input.plan, input.method);
  const expiresAt = new Date(Date.now() + settings.paymentTtlMs);
  const paymentId = crypto.randomUUID();
  let subscriptionId: string;
  if (live) {
    subscriptionId = live.id;
    await trx
      .updateTable("billing.subscriptions")
      .set({ awaiting_payment_id: paymentId, awaiting_deadline: expiresAt, version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
      .where("id", "=", live.id)
      .execute();
  } else {
    subscriptionId = crypto.randomUUID();
    await trx
      .insertInto("billing.subscriptions")
      .values({
        id: subscriptionId,
        user_id: input.userId,
        plan: input.plan,
        state: "awaiting_payment",
        awaiting_payment_id: paymentId,
        awaiting_deadline: expiresAt,
      })
      .execute();
  }
  return trx
    .insertInto("billing.payments")
    .values({
      id: paymentId,
      subscription_id: subscriptionId,
      user_id: input.userId,
      plan: input.plan,
      purpose: live ? "renewal" : "initial",
      method: input.method,
      provider: provider.name,
      amount_minor: amount.amountMinor,
      currency: amount.currency,
      expires_at: expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * The provider failed to create the payment: the payment fails (provider_error),
 * and the saga's step runs here at once so the listener may try again right
 * away. If the provider did take money after all, its callback still counts the
 * payment and the saga refunds it (apply-status.ts).
 */
async function abandonPayment(db: Kysely<Database>, payment: Selectable<PaymentsTable>, input: SubscribeInput): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const failed = await trx
      .updateTable("billing.payments")
      .set({
        status: "failed",
        failure_code: "provider_error",
        failure_message: "The payment provider could not create the payment.",
        failed_at: sql<Date>`now()`,
      })
      .where("id", "=", payment.id)
      .where("status", "=", "pending")
      .returningAll()
      .executeTakeFirst();
    if (!failed) return;
    const subscription = await trx
      .updateTable("billing.subscriptions")
      .set((eb) => ({
        state: sql`case when state = 'awaiting_payment' then 'failed' else state end`,
        failure_reason: sql`case when state = 'awaiting_payment' then 'payment_failed' else failure_reason end`,
        awaiting_payment_id: null,
        awaiting_deadline: null,
        version: eb("version", "+", 1),
        updated_at: sql<Date>`now()`,
      }))
      .where("id", "=", payment.subscription_id)
      .where("awaiting_payment_id", "=", payment.id)
      .returning("id")
      .executeTakeFirst();
    if (subscription) {
      await trx
        .insertInto("billing.saga_steps")
        .values({ subscription_id: payment.subscription_id, step: `unpaid:${payment.id}`, payment_id: payment.id })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    await writeOutbox(trx, {
      type: "tunec.billing.payment-failed.v1",
      source: paymentsSource,
      ...(input.traceparent ? { traceparent: input.traceparent } : {}),
      data: {
        ...eventBase(failed),
        reason: { code: "provider_error", message: "The payment provider could not create the payment." },
        failedAt: new Date().toISOString(),
      },
    });
    await trx.deleteFrom("billing.idempotency_keys").where("user_id", "=", input.userId).where("key", "=", input.idempotencyKey).execute();
  });
}

function answerBody(payment: Selectable<PaymentsTable>, instructions: PaymentInstructions): Record<string, unknown> {
  return {
    subscription_id: payment.subscription_id,
    payment_id: payment.id,
    purpose: payment.purpose,
    plan: payment.plan,
    method: payment.method,
    amount: { amount_minor: Number(payment.amount_minor), currency: payment.currency },
    status: "pending",
    expires_at: payment.expires_at.toISOString(),
    instructions: instructionsView(instructions),
  };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === uniqueViolation;
}
