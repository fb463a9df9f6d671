import type { LogRecord } from "../event-log.ts";
import { prepareRecord } from "./prepare.ts";
import { createEventProcessor, type Handleable } from "./process-record.ts";
import type { ConsumerOptions } from "./types.ts";

/**
 * A batch of one partition, in order. With transactionScope "batch" (the
 * default) each run of handleable events commits in ONE transaction with their
 * inbox rows — one commit instead of one per event — and falls back to one
 * event at a time (with retries) when any of them fails, so a failure never
 * half-applies the run. Events whose type has a batch handler are passed to it
 * a consecutive run at a time, so the effect of a whole fetched batch can be
 * one statement. A poison record ends a run: the events before it
 * commit first, then it is dead-lettered, keeping the partition's order.
 */
export function createBatchProcessor(options: ConsumerOptions, stopping: AbortSignal) {
  const { db, group, logger } = options;
  const events = createEventProcessor(options, stopping);
  const together = (options.transactionScope ?? "batch") === "batch";

  /** Resolves whether the run committed; when a handler failed, which one (that was its first attempt). */
  async function handleTogether(run: Handleable[]): Promise<{ ok: true } | { ok: false; failed?: Handleable; error: unknown }> {
    let current: Handleable | undefined;
    try {
      await db.transaction().execute(async (trx) => {
        const ids = [...new Set(run.map((item) => item.event.id))];
        const inserted = await trx
          .insertInto("events.inbox")
          .values(ids.map((id) => ({ consumer: group, event_id: id })))
          .onConflict((conflict) => conflict.doNothing())
          .returning("event_id")
          .execute();
        const fresh = new Set(inserted.map((row) => row.event_id));
        // Consecutive events with one batch handler go in one call; order is kept.
        let pending: Handleable[] = [];
        const flushPending = async () => {
          const first = pending[0];
          if (!first?.batch) return;
          const items = pending;
          pending = [];
          // Which event of a batch failed is unknown: each gets a fresh first attempt alone.
          current = undefined;
          await first.batch(
            items.map((item) => item.event),
            trx,
            { logger, records: items.map((item) => item.record), attempt: 1 },
          );
        };
        for (const item of run) {
          // delete: a second copy of an event within the run is a duplicate too.
          if (!fresh.delete(item.event.id)) {
            item.logger.debug("duplicate event ignored");
            continue;
          }
          if (item.batch) {
            if (pending[0] && pending[0].batch !== item.batch) await flushPending();
            pending.push(item);
            continue;
          }
          await flushPending();
          current = item;
          await item.handler(item.event, trx, { logger: item.logger, traceparent: item.event.traceparent, record: item.record, attempt: 1 });
        }
        await flushPending();
        current = undefined;
      });
      return { ok: true };
    } catch (error) {
      run[0]?.logger.debug("batch transaction failed; handling its events one at a time", { events: run.length, error });
      return current ? { ok: false, failed: current, error } : { ok: false, error };
    }
  }

  async function flush(run: Handleable[]): Promise<void> {
    if (run.length === 0) return;
    const outcome = together && run.length > 1 ? await handleTogether(run) : null;
    if (outcome?.ok) return;
    // The handler that failed inside the batch has had its first attempt.
    for (const item of run) await events.handleAlone(item, outcome?.failed === item ? { error: outcome.error } : undefined);
  }

  return async function processBatch(records: LogRecord[]): Promise<void> {
    let run: Handleable[] = [];
    for (const record of records) {
      const prepared = prepareRecord(record, options.handlers, logger, options.batchHandlers);
      if (prepared.kind === "handle") run.push(prepared);
      if (prepared.kind !== "poison") continue;
      await flush(run);
      run = [];
      await events.deadLetter(record, prepared.reason, prepared.error, 1, prepared.logger);
    }
    await flush(run);
  };
}
