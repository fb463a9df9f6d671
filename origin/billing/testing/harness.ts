/** Test support for the billing suites (not shipped code paths). */
import type { Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import type { Logger } from "../../../shared/logger.ts";
import { topicSpecs } from "../../../shared/events/topics.ts";
import { relayBatch } from "../../cdc/trigger/relay.ts";
import type { EventBackbone } from "../../events/event-log-factory.ts";
import { defaultPrices } from "../../../workers/billing/domain/plans.ts";
import type { SubscribeSettings } from "../../../workers/billing/domain/subscribe.ts";

export const subscribeSettings = (paymentTtlMs = 900_000): SubscribeSettings => ({ prices: defaultPrices, paymentTtlMs });

/** Creates every topic, as the CDC does when it starts. */
export async function ensureBillingTopics(backbone: EventBackbone): Promise<void> {
  await backbone.log.ensureTopics(topicSpecs());
}

/** Stands in for the CDC: moves outbox rows to the log every few milliseconds. */
export function startRelay(db: Kysely<Database>, backbone: EventBackbone, logger: Logger): { stop(): Promise<void>; flush(): Promise<void> } {
  let stopped = false;
  // The PostgreSQL log appends in the relay's transaction (as the CDC does): on PGlite's single
  // session, publishing through another connection from inside that transaction would wait forever.
  const sink = backbone.sameDatabase ? ({ kind: "same-transaction", ...backbone.sameDatabase } as const) : ({ kind: "external", log: backbone.log } as const);
  const pass = () => relayBatch({ db, sink, logger });
  const loop = (async () => {
    while (!stopped) {
      await pass().catch((error: unknown) => logger.error("test relay pass failed", { error }));
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
    async flush() {
      await pass();
    },
  };
}

export interface StoredEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/** The events a user's billing produced so far (outbox rows, relayed or not). */
export async function billingEvents(db: Kysely<Database>, userId: string, type?: string): Promise<StoredEvent[]> {
  let query = db
    .selectFrom("events.outbox")
    .select(["id", "type", "event"])
    .where("key", "=", userId)
    .where("topic", "in", ["tunec.billing.payments", "tunec.billing.subscriptions"]);
  if (type) query = query.where("type", "=", type);
  const rows = await query.orderBy("seq").execute();
  return rows.map((row) => ({ id: row.id, type: row.type, data: (row.event as { data: Record<string, unknown> }).data }));
}

export async function subscriptionRow(db: Kysely<Database>, id: string) {
  return db.selectFrom("billing.subscriptions").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}
