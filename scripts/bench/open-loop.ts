/**
 * An open-loop load driver: requests leave at a fixed arrival rate whatever the
 * server does, and each latency is measured from the request's *intended* send
 * time, so a stalled server is charged for every request that should have left
 * meanwhile (no coordinated omission, unlike a closed loop such as autocannon).
 */
import { Pool } from "undici";

export interface OpenLoopResult {
  /** Requests per second asked for, and the rate answers actually came back at. */
  rate: number;
  achieved: number;
  sent: number;
  ok: number;
  failed: number;
  /** Milliseconds from the intended send time to the end of the response body. */
  p50: number;
  p99: number;
  max: number;
  statuses: string;
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

export async function openLoop(options: {
  base: string;
  rate: number;
  seconds: number;
  /** The i-th request's path and headers. */
  request: (i: number) => { path: string; headers?: Record<string, string> };
  /** Sockets the driver may open; beyond them requests queue (and their latency shows it). */
  connections?: number;
}): Promise<OpenLoopResult> {
  const pool = new Pool(options.base, { connections: options.connections ?? 256, pipelining: 1, keepAliveTimeout: 30_000 });
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const latencies: number[] = [];
  const statuses = new Map<string, number>();
  let ok = 0;
  let failed = 0;
  let lastDone = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  let next = 0;
  const send = (i: number, intended: number) => {
    const { path, headers } = options.request(i);
    const done = pool
      .request({ method: "GET", path, headers })
      .then(async (response) => {
        await response.body.arrayBuffer();
        const key = String(response.statusCode);
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        if (response.statusCode >= 200 && response.statusCode < 300) ok++;
        else failed++;
      })
      .catch(() => {
        statuses.set("error", (statuses.get("error") ?? 0) + 1);
        failed++;
      })
      .finally(() => {
        const now = performance.now();
        latencies.push(now - intended);
        lastDone = now;
      });
    pending.push(done);
  };
  // Fires every request whose intended time has come, then sleeps until the next one.
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) {
        send(next, start + next * interval);
        next++;
      }
      if (next >= total) return resolve();
      setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    tick();
  });
  await Promise.all(pending);
  await pool.close();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    rate: options.rate,
    achieved: ok / ((lastDone - start) / 1000),
    sent: total,
    ok,
    failed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    statuses: [...statuses].map(([code, n]) => `${code}: ${n}`).join(", "),
  };
}
