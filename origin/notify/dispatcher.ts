/**
 * Sends what the consumer queued. Claims due deliveries with a lease, sends
 * each through its port (Mailer or PushSender), and records the outcome:
 * sent (with the provider's id), retried later with jittered exponential
 * backoff (transient failures), failed (permanent, or out of attempts), gone
 * (the push service dropped the subscription, which is deleted), cancelled
 * (the push subscription was removed before its turn).
 *
 * Retries live in the table (next_attempt_at), not in memory: they survive a
 * restart, wait without blocking anything else, and count per message, so a
 * failing mail server never re-sends the push that already went out.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { EmailContent, PushContent } from "../../shared/db/notify.table.ts";
import type { Logger } from "../../shared/logger.ts";
import { backoffDelay } from "../events/consumer/retry.ts";
import type { RetryPolicy } from "../events/consumer.ts";
import { hintedSafetyPollMs, hintsCover, tableWriteHints } from "../platform/table-write-hints.ts";
import { claimDue, failAbandoned, markAttemptFailed, markSent, msUntilNextDue, type DeliveryRow } from "./deliveries.ts";
import { DeliveryFailure, type Mailer, type PushSender } from "./ports.ts";

export interface DispatcherOptions {
  db: Kysely<Database>;
  logger: Logger;
  mailer: Mailer;
  /** Null when push is not configured. */
  push: PushSender | null;
  retry: RetryPolicy;
  /** How long a claimed delivery is ours; longer than the adapters' timeouts, so a live sender never loses it mid-send. */
  leaseMs?: number;
  pollMs?: number;
  batchSize?: number;
  /** Push: how long a push service may hold the message for an offline browser. */
  pushTtlSeconds?: number;
}

export interface Dispatcher {
  stop(): Promise<void>;
}

type SendResult = { sent: true; providerMessageId: string | null } | { sent: false; why: string };

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function startDispatcher(options: DispatcherOptions): Dispatcher {
  const { db, mailer, push, retry } = options;
  const owner = `notify-${crypto.randomUUID()}`;
  const leaseMs = options.leaseMs ?? 120_000;
  const pollMs = options.pollMs ?? 500;
  const batchSize = options.batchSize ?? 20;
  const stopping = new AbortController();

  async function send(row: DeliveryRow): Promise<SendResult> {
    if (row.channel === "email") {
      const content = row.content as EmailContent;
      const sent = await mailer.send({ to: row.recipient, subject: content.subject, text: content.text, html: content.html, messageId: content.messageId });
      return { sent: true, providerMessageId: sent.providerMessageId };
    }
    if (!push) throw new DeliveryFailure("permanent", "push is not configured (no VAPID keys)");
    const subscription = await db
      .selectFrom("notify.push_subscriptions")
      .select(["p256dh", "auth"])
      .where("endpoint", "=", row.recipient)
      .where("user_id", "=", row.user_id)
      .executeTakeFirst();
    if (!subscription) return { sent: false, why: "the push subscription was removed before sending" };
    const content = row.content as PushContent;
    const sent = await push.send({ endpoint: row.recipient, keys: subscription }, JSON.stringify(content.payload), {
      topic: content.topic,
      ttlSeconds: options.pushTtlSeconds ?? 24 * 3600,
      urgency: "normal",
    });
    return { sent: true, providerMessageId: sent.providerMessageId };
  }

  async function deliver(row: DeliveryRow): Promise<void> {
    const logger = options.logger.child({
      delivery_id: row.id,
      event_id: row.event_id,
      channel: row.channel,
      attempt: row.attempts,
      ...(row.trace_id ? { trace_id: row.trace_id } : {}),
    });
    try {
      const result = await send(row);
      if (!result.sent) {
        await markAttemptFailed(db, row, owner, { status: "cancelled", error: result.why });
        logger.info("notification cancelled", { why: result.why });
        return;
      }
      const providerMessageId = result.providerMessageId;
      if (await markSent(db, row, owner, providerMessageId))
        logger.info("notification sent", { template: row.template, provider_message_id: providerMessageId });
      else logger.warn("notification sent, but the lease had passed to another dispatcher", { template: row.template });
      return;
    } catch (error) {
      const kind = error instanceof DeliveryFailure ? error.kind : "transient";
      const message = describe(error);
      if (kind === "gone") {
        await db.transaction().execute(async (trx) => {
          // RFC 8030: 404/410 mean the browser dropped this subscription for good.
          if (row.channel === "push")
            await trx.deleteFrom("notify.push_subscriptions").where("endpoint", "=", row.recipient).where("user_id", "=", row.user_id).execute();
          await markAttemptFailed(trx, row, owner, { status: "gone", error: message });
        });
        logger.info("push subscription gone; removed", { error: message });
      } else if (kind === "transient" && row.attempts < retry.maxAttempts) {
        const retryInMs = backoffDelay(row.attempts, retry);
        await markAttemptFailed(db, row, owner, { status: "pending", retryInMs, error: message });
        logger.warn("notification failed; will retry", { error: message, retry_in_ms: retryInMs });
      } else {
        await markAttemptFailed(db, row, owner, { status: "failed", error: message });
        logger.error("notification failed for good", { error: message, kind, attempts: row.attempts });
      }
    }
  }

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, ms);
      stopping.signal.addEventListener("abort", done, { once: true });
    });

  // With hints (embedded database in this process) a new delivery wakes the loop; it also wakes
  // when the earliest delivery falls due (a retry's backoff, a lapsed lease). Else the old poll.
  const waitForWork = async (since: number) => {
    if (!hintsCover(db)) return sleep(pollMs);
    const due = await msUntilNextDue(db, retry.maxAttempts);
    const safety = Math.min(hintedSafetyPollMs, Math.max(due ?? hintedSafetyPollMs, 10));
    return tableWriteHints.wait("notify.deliveries", safety, stopping.signal, since);
  };

  let lastHousekeeping = 0;
  const running = (async () => {
    while (!stopping.signal.aborted) {
      try {
        if (Date.now() - lastHousekeeping > 60_000) {
          lastHousekeeping = Date.now();
          const abandoned = await failAbandoned(db, retry.maxAttempts);
          if (abandoned > 0) options.logger.warn("deliveries abandoned mid-send after their last attempt", { count: abandoned });
        }
        const since = tableWriteHints.version("notify.deliveries");
        const rows = await claimDue(db, owner, leaseMs, batchSize, retry.maxAttempts);
        // One batch in parallel: different recipients, and the lease covers each send's timeout.
        await Promise.all(rows.map(deliver));
        if (rows.length < batchSize) await waitForWork(since);
      } catch (error) {
        options.logger.error("notification dispatcher failed; retrying", { error });
        await sleep(Math.max(pollMs, 2_000));
      }
    }
  })();

  return {
    async stop() {
      stopping.abort();
      await running;
    },
  };
}
