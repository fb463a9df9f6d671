/**
 * The saga's own clock: subscriptions whose awaited payment is past its
 * deadline (plus the callback slack) or whose period ended more than the grace
 * period ago get a tick, each in its own transaction.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import type { Logger } from "../../../shared/logger.ts";
import { crashPoint } from "../crash-points.ts";
import type { SagaSettings } from "./decide.ts";
import { runSagaStep } from "./run-step.ts";
import { sqlSagaStore } from "./sql-store.ts";

export async function dueSubscriptions(db: Kysely<Database>, settings: SagaSettings, now: Date, limit = 100): Promise<string[]> {
  const deadline = new Date(now.getTime() - settings.callbackSlackMs);
  const ended = new Date(now.getTime() - settings.graceMs);
  const rows = await db
    .selectFrom("billing.subscriptions")
    .select("id")
    .where((eb) => eb.or([eb("awaiting_deadline", "<=", deadline), eb.and([eb("state", "=", "active"), eb("period_end", "<=", ended)])]))
    .orderBy(sql`coalesce(awaiting_deadline, period_end)`)
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/** One pass over due subscriptions; returns how many steps ran. */
export async function runTimers(db: Kysely<Database>, settings: SagaSettings, logger: Logger, now: Date = new Date()): Promise<number> {
  let applied = 0;
  for (const id of await dueSubscriptions(db, settings, now)) {
    const decision = await db.transaction().execute((trx) => runSagaStep(sqlSagaStore(trx), id, { kind: "tick" }, settings, now));
    if (decision) {
      await crashPoint("saga:tick:after-commit");
      applied += 1;
      logger.info("saga timer step applied", { subscription_id: id, step: decision.step, effects: decision.effects.map((effect) => effect.kind) });
    }
  }
  return applied;
}

/**
 * Refunds an admin asked for (billing.refunds.requested_by) that the saga has not
 * applied yet: each ends its subscription's premium in its own transaction.
 * The step marker `refunded:<payment>` is both the guard and the to-do test.
 */
export async function runAdminRefunds(db: Kysely<Database>, settings: SagaSettings, logger: Logger, now: Date = new Date(), limit = 100): Promise<number> {
  const pending = await db
    .selectFrom("billing.refunds as r")
    .select(["r.payment_id", "r.subscription_id"])
    .where("r.requested_by", "is not", null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("billing.saga_steps as s")
            .select("s.step")
            .whereRef("s.subscription_id", "=", "r.subscription_id")
            .where("s.step", "=", sql<string>`'refunded:' || r.payment_id::text`),
        ),
      ),
    )
    .orderBy("r.created_at")
    .limit(limit)
    .execute();
  let applied = 0;
  for (const refund of pending) {
    const decision = await db
      .transaction()
      .execute((trx) => runSagaStep(sqlSagaStore(trx), refund.subscription_id, { kind: "refunded", paymentId: refund.payment_id }, settings, now));
    if (decision) {
      applied += 1;
      logger.info("saga refund step applied", {
        subscription_id: refund.subscription_id,
        payment_id: refund.payment_id,
        effects: decision.effects.map((effect) => effect.kind),
      });
    }
  }
  return applied;
}
