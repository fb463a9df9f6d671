/**
 * Origin shutdown: the first SIGINT/SIGTERM stops the services in order; a
 * stop that hangs (a consumer waiting on a broker that is down, a query with
 * no answer) is cut at a deadline, and a second signal exits at once, so an
 * operator or an orchestrator is never left waiting on a stuck process.
 */
export interface ShutdownOptions {
  deadlineMs: number;
  exit(code: number): void;
  onSignal(signal: NodeJS.Signals, handler: () => void): void;
  log(message: string, fields: Record<string, unknown>): void;
}

export const defaultShutdownDeadlineMs = 20_000;

export function installShutdown(stop: () => Promise<void>, options: ShutdownOptions): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      options.log("second signal; exiting now", { signal });
      options.exit(130);
      return;
    }
    stopping = true;
    options.log("shutting down", { signal, deadline_ms: options.deadlineMs });
    const deadline = setTimeout(() => {
      options.log("shutdown deadline passed; exiting", { deadline_ms: options.deadlineMs });
      options.exit(1);
    }, options.deadlineMs);
    deadline.unref();
    stop().then(
      () => {
        clearTimeout(deadline);
        options.exit(0);
      },
      () => {
        clearTimeout(deadline);
        options.exit(1);
      },
    );
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) options.onSignal(signal, () => shutdown(signal));
}
