import type { Logger } from "../shared/logger.ts";

/**
 * Runs `work` every `intervalMs`, never overlapping (the next pass is timed
 * from the end of the last); a failed pass is logged as `failure` and the
 * loop goes on. `stop` waits for the pass in flight.
 */
export function startPeriodic(intervalMs: number, log: Logger, failure: string, work: () => Promise<void>): { stop(): Promise<void> } {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  const pass = () => {
    running = work()
      .catch((error: unknown) => log.error(failure, { error }))
      .finally(() => {
        if (!stopped) timer = setTimeout(pass, intervalMs);
      });
  };
  timer = setTimeout(pass, 0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
