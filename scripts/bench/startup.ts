/**
 * The Worker's script start-up time against Cloudflare's 1 s limit, and its
 * size: builds the deploy bundle (`wrangler deploy --dry-run`), then starts
 * workerd (through Miniflare) `--runs` times with it and `--runs` times with a
 * one-line Worker, each until the first answer, and prints the medians and
 * their difference — the cost of parsing, compiling and evaluating the bundle's
 * top level, with workerd's own start-up subtracted. Not a test.
 *
 *   npx tsx scripts/bench/startup.ts [--root .] [--runs 7]
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";

const { values: options } = parseArgs({ options: { root: { type: "string", default: "." }, runs: { type: "string", default: "7" } } });
const root = resolve(options.root);
const runs = Number(options.runs);

async function build(outdir: string): Promise<void> {
  const wrangler = spawn(join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", outdir], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_LOG: "error" },
  });
  const code = await new Promise<number | null>((done) => wrangler.once("exit", done));
  if (code !== 0) throw new Error(`wrangler deploy --dry-run exited with code ${code}`);
}

type Module = { type: "ESModule" | "CompiledWasm" | "Text"; path: string };

/** Milliseconds from constructing workerd until the Worker's first answer. */
async function coldStart(modulesRoot: string, modules: Module[]): Promise<number> {
  const started = performance.now();
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      workers: [
        {
          name: "startup",
          modulesRoot,
          modules,
          compatibilityDate: "2025-09-01",
          compatibilityFlags: ["nodejs_compat"],
          // Without it the bundle runs as production, refuses its missing secrets and answers 503 before
          // building the app: the first answer must come from the real app (routes, schemas built).
          bindings: { ENVIRONMENT: "development", LOG_LEVEL: "warn" },
        },
      ],
    }),
  );
  try {
    const url = await mf.ready;
    const response = await fetch(new URL("/ping", url));
    await response.arrayBuffer();
    const elapsed = performance.now() - started;
    if (response.status !== 200) throw new Error(`GET /ping answered ${response.status}: the figure would not include building the app`);
    return elapsed;
  } finally {
    await mf.dispose();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), "tunec-bench-startup-"));
  try {
    const outdir = join(work, "bundle");
    await build(outdir);
    const files = await readdir(outdir);
    const modules: Module[] = [{ type: "ESModule", path: join(outdir, "index.js") }];
    for (const file of files) {
      if (file.endsWith(".wasm")) modules.push({ type: "CompiledWasm", path: join(outdir, file) });
      if (file.endsWith(".txt")) modules.push({ type: "Text", path: join(outdir, file) });
    }
    let raw = 0;
    let gzip = 0;
    for (const module of modules) {
      const bytes = await readFile(module.path);
      raw += (await stat(module.path)).size;
      gzip += gzipSync(bytes).byteLength;
    }
    const empty = join(work, "empty.js");
    await writeFile(empty, "export default { fetch: () => new Response('ok') };\n");
    const bundleMs: number[] = [];
    const emptyMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternated, so load on the machine hits both alike.
      emptyMs.push(await coldStart(work, [{ type: "ESModule", path: empty }]));
      bundleMs.push(await coldStart(outdir, modules));
    }
    console.log(`bundle of ${root}: ${modules.length} modules, ${(raw / 1024).toFixed(0)} KiB raw, ${(gzip / 1024).toFixed(0)} KiB gzip`);
    console.log(
      `workerd cold start to first answer, median of ${runs}: one-line Worker ${median(emptyMs).toFixed(0)} ms, the gateway bundle ${median(bundleMs).toFixed(0)} ms`,
    );
    console.log(
      `script start-up (parse, compile, evaluate the top level): ≈ ${(median(bundleMs) - median(emptyMs)).toFixed(0)} ms (Cloudflare's limit: 1,000 ms)`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
