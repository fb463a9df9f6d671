/**
 * Cleanups that must also run when a tool is interrupted (`recs:eval`'s
 * replays, `bench:events`, `bench:search`). They create databases, Kafka
 * topics and replication slots on shared servers; Node's default
 * SIGINT/SIGTERM exits without running `finally`, which left them behind (a
 * forgotten slot retains WAL without end).
 * While any cleanup is registered, the first SIGINT or SIGTERM runs them all
 * (newest first: the replay's consumers before the database they write to),
 * then exits 130/143; a second signal exits at once. A signal that arrives
 * during synchronous work (a training) is handled when that work yields.
 * With nothing registered the handlers are removed, so other code keeps
 * Node's default behaviour.
 */
export type Cleanup = () => Promise<void>;

/** Each cleanup gets this long on an interrupt before the next one runs. */
const cleanupTimeoutMs = 30_000;
const signals = ["SIGINT", "SIGTERM"] as const;
const registered = new Set<Cleanup>();
let interrupted = false;

function onSignal(signal: NodeJS.Signals): void {
  const code = signal === "SIGINT" ? 130 : 143;
  if (interrupted) process.exit(code);
  interrupted = true;
  const cleanups = [...registered].reverse();
  process.stderr.write(`\n${signal}: cleaning up (${cleanups.length} step${cleanups.length === 1 ? "" : "s"}); send it again to exit at once\n`);
  void (async () => {
    for (const cleanup of cleanups) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`cleanup timed out after ${cleanupTimeoutMs / 1000} s`)), cleanupTimeoutMs);
      });
      await Promise.race([cleanup(), timeout])
        .catch((error: unknown) => process.stderr.write(`cleanup failed: ${error instanceof Error ? error.message : String(error)}\n`))
        .finally(() => clearTimeout(timer));
    }
    process.exit(code);
  })();
}

/**
 * Registers `cleanup` to run on an interrupt; returns the function to call in
 * `finally` instead. Either way it runs once: the returned function
 * unregisters it and runs it, or returns the run an interrupt already started.
 */
export function cleanupOnInterrupt(cleanup: Cleanup): Cleanup {
  let running: Promise<void> | undefined;
  const once: Cleanup = () => {
    running ??= cleanup();
    return running;
  };
  if (registered.size === 0) for (const signal of signals) process.on(signal, onSignal);
  registered.add(once);
  return () => {
    registered.delete(once);
    if (registered.size === 0 && !interrupted) for (const signal of signals) process.off(signal, onSignal);
    return once();
  };
}
