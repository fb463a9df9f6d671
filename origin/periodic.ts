import type { Kysely } from "kysely";
import type { Database } from "../shared/db/database.ts";
import type { Logger } from "../shared/logger.ts";
import { hintedSafetyPollMs, hintsCover, tableWriteHints } from "./platform/table-write-hints.ts";

export interface PeriodicHints {
  /** The database the work reads: hints are waited for only when it is an embedded one of this process. */
  db: Kysely<Database>;
  /** The "schema.table"s the work reads: a write to any of them runs the next pass. */
  wakeOn: readonly string[];
  /**
   * How long until the work's earliest deadline (null: none), read after each
   * pass: time-driven work (a payment deadline, a retry's backoff) runs when
   * it falls due instead of on the interval.
   */
  msUntilDue?: () => Promise<number | null>;
}

/**
 * Runs `work` every `intervalMs`, never overlapping (the next pass is timed
 * from the end of the last); a failed pass is logged as `failure` and the
 * loop goes on. `stop` waits for the pass in flight.
 *
 * With `hints`, when `hints.db` is an embedded database served in this process, the next pass runs
 * when one of the tables is written or the earliest deadline comes, else after
 * a slow safety poll: an idle system does not run the pass every few seconds.
 * A failed pass is retried after `intervalMs`, as without hints.
 */
export function startPeriodic(intervalMs: number, log: Logger, failure: string, work: () => Promise<void>, hints?: PeriodicHints): { stop(): Promise<void> } {
  const stopping = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  const pass = () => {
    const since = hints ? tableWriteHints.version(hints.wakeOn) : 0;
    running = work()
      .then(
        () => true,
        (error: unknown) => {
          log.error(failure, { error });
          return false;
        },
      )
      .then(async (succeeded) => {
        if (stopping.signal.aborted) return;
        if (hints && succeeded && hintsCover(hints.db)) {
          const due = await hints.msUntilDue?.().catch((error: unknown) => {
            log.warn("could not read when the next pass is due; polling", { error });
            return intervalMs;
          });
          // Never sooner than the interval after a due time in the past (a step that keeps failing would spin).
          const wait = due === undefined || due === null ? hintedSafetyPollMs : Math.min(hintedSafetyPollMs, Math.max(due, intervalMs));
          await tableWriteHints.wait(hints.wakeOn, Math.max(wait, 10), stopping.signal, since);
          if (!stopping.signal.aborted) pass();
        } else timer = setTimeout(pass, intervalMs);
      });
  };
  timer = setTimeout(pass, 0);
  return {
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
