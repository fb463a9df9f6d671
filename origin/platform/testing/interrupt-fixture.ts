/**
 * A process for interrupt.test.ts: registers cleanups, says "ready" and
 * waits to be signalled. `hang` makes the last cleanup never finish.
 */
import { cleanupOnInterrupt } from "../interrupt.ts";

const hang = process.argv.includes("hang");
const say = (line: string) => process.stdout.write(`${line}\n`);

// Released normally before the others: must not run again on the interrupt.
await cleanupOnInterrupt(async () => {
  say("released");
})();
cleanupOnInterrupt(async () => {
  await new Promise((resolve) => setTimeout(resolve, 50));
  say("first registered");
});
cleanupOnInterrupt(async () => {
  say("second registered");
  if (hang) await new Promise(() => undefined);
});
say(`ready ${process.listenerCount("SIGINT")} ${process.listenerCount("SIGTERM")}`);
setInterval(() => undefined, 1_000);
