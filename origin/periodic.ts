import type { Logger } from "../shared/logger.ts";
import { hintedSafetyPollMs, tableWriteHints } from "./platform/table-write-hints.ts";

/**
 * Runs `work` every `intervalMs`, never overlapping (the next pass is timed
 * from the end of the last); a failed pass is logged as `failure` and the
 * loop goes on. `stop` waits for the pass in flight.
 *
 * With `wakeOn` (a "schema.table" the work reads) and an embedded database in
 * this process, the next pass runs when that table is written, else after a
 * slow safety poll: an idle system does not run the pass every few seconds.
 */
export function startPeriodic(intervalMs: number, log: Logger, failure: string, work: () => Promise<void>, wakeOn?: string): { stop(): Promise<void> } {
  const stopping = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  const pass = () => {
    const since = wakeOn ? tableWriteHints.version(wakeOn) : 0;
    running = work()
      .catch((error: unknown) => log.error(failure, { error }))
      .then(async () => {
        if (stopping.signal.aborted) return;
        if (wakeOn && tableWriteHints.watching) {
          await tableWriteHints.wait(wakeOn, Math.max(intervalMs, hintedSafetyPollMs), stopping.signal, since);
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
