import cliProgress from "cli-progress";

/**
 * A terminal progress bar (cli-progress: redraws in place with rate and ETA,
 * and degrades to nothing when stdout is not a TTY, e.g. in CI logs).
 */
export function progressBar(label: string): { update(done: number, total: number): void; stop(): void } {
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | {speed}/s | ETA {eta_formatted}`, hideCursor: true, noTTYOutput: false },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let running = false;
  return {
    update(done, total) {
      const speed = Math.round(done / Math.max((performance.now() - started) / 1000, 0.001));
      if (!running) {
        bar.start(total, done, { speed });
        running = true;
      } else {
        bar.setTotal(total);
        bar.update(done, { speed });
      }
    },
    stop() {
      if (running) bar.stop();
    },
  };
}
