/**
 * The gateway Worker served by workerd through Miniflare, without `wrangler
 * dev`'s proxy: wrangler dev sends every request through a proxy Durable
 * Object in a second workerd, which caps a bare route near 1,000 req/s on this
 * machine and would dominate any latency figure. Benchmarks measure the Worker
 * itself: the bundle `wrangler deploy --dry-run` builds, with the bindings of
 * wrangler.toml (Durable Objects, R2, Hyperdrive, the Cache API).
 */
import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { floorPrefix, floorWorkerName, floorWorkerScript } from "./stream-floor.ts";

export interface RunningGateway {
  url: string;
  stop(): Promise<void>;
}

async function bundle(root: string, outdir: string, minify: boolean): Promise<void> {
  const wrangler = spawn(join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", outdir, ...(minify ? [] : ["--no-minify"])], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_LOG: "error" },
  });
  const code = await new Promise<number | null>((resolve) => wrangler.once("exit", resolve));
  if (code !== 0) throw new Error(`wrangler deploy --dry-run exited with code ${code}`);
}

export async function startGatewayInWorkerd(options: {
  root: string;
  /** Where the bundle and the Durable Object / R2 state go. */
  workDir: string;
  /** Worker vars and secrets, as `.env` / `--var` would give them. */
  bindings: Record<string, string>;
  databaseUrl: string;
  /** Opens workerd's inspector (Chrome DevTools protocol) on this port, for CPU profiles. */
  inspectorPort?: number;
  /** Minified as deployed (default); unminified when profiling, so the profile names functions. */
  minify?: boolean;
  /**
   * Where the Durable Objects' SQLite files and R2 objects live (default: workDir/state).
   * Locally each object commit is an SQLite write to that directory; on this shared machine's
   * busy disk a tmpfs (/dev/shm) directory made writing paths 2–3 times faster.
   */
  stateDir?: string;
  /** Also serve scripts/bench/stream-floor.ts's Worker under its path prefix, in the same workerd. */
  floor?: boolean;
}): Promise<RunningGateway> {
  const outdir = join(options.workDir, "bundle");
  await bundle(options.root, outdir, options.minify ?? true);
  const files = await readdir(outdir);
  const wasm = files.filter((file) => file.endsWith(".wasm"));
  // Data modules of wrangler.toml's [[rules]] (the common-password list).
  const text = files.filter((file) => file.endsWith(".txt"));
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
      workers: [
        {
          name: "tunec-gateway",
          modulesRoot: outdir,
          modules: [
            { type: "ESModule", path: join(outdir, "index.js") },
            ...wasm.map((file) => ({ type: "CompiledWasm" as const, path: join(outdir, file) })),
            ...text.map((file) => ({ type: "Text" as const, path: join(outdir, file) })),
          ],
          compatibilityDate: "2025-09-01",
          compatibilityFlags: ["nodejs_compat"],
          bindings: options.bindings,
          durableObjects: {
            SESSIONS: { className: "SessionDurableObject", useSQLite: true },
            RATE_LIMITER: { className: "RateLimiter", useSQLite: true },
            OUTBOX_RELAY: { className: "OutboxRelay", useSQLite: true },
          },
          r2Buckets: ["MEDIA"],
          hyperdrives: { HYPERDRIVE: options.databaseUrl },
        },
        ...(options.floor
          ? [
              {
                name: floorWorkerName,
                modules: true,
                script: floorWorkerScript,
                compatibilityDate: "2025-09-01",
                routes: [`*${floorPrefix}/*`],
                durableObjects: {
                  FLOOR_LIMITER: { className: "FloorLimiter", useSQLite: true },
                  FLOOR_SESSION: { className: "FloorSession", useSQLite: true },
                },
              },
            ]
          : []),
      ],
      defaultPersistRoot: options.stateDir ?? join(options.workDir, "state"),
    }),
  );
  const url = await mf.ready;
  return { url: url.origin, stop: () => mf.dispose() };
}
