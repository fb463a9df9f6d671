/**
 * Fault injection for the saga's crash test: with BILLING_CRASH_AT=<point>
 * (optionally <point>#<n> for the n-th time it is reached) the process
 * SIGKILLs itself there, as a power cut would. Unset in production: a no-op.
 */
const wanted = process.env.BILLING_CRASH_AT ?? "";
const [point = "", nth = "1"] = wanted.split("#");
let reached = 0;

export async function crashPoint(name: string): Promise<void> {
  if (!point || name !== point) return;
  reached += 1;
  if (reached < Number(nth)) return;
  // Say where, so the test can tell a crash it asked for from any other exit.
  process.stderr.write(`${JSON.stringify({ level: "warn", msg: "crash point reached", point: name })}\n`);
  process.kill(process.pid, "SIGKILL");
  // SIGKILL is not instantaneous: never let the step continue.
  await new Promise(() => undefined);
}
