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
