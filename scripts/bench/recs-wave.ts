/**
 * Serving half of `npm run bench:recs` (issue 12): `GET /me/wave` through the
 * gateway Worker in workerd (the deploy bundle under Miniflare, as
 * scripts/bench/playback.ts), one client and 20 concurrent, p50/p95, beside
 * the bare `GET /ping` measured the same way in the same run. Not a test: it
 * prints figures.
 *
 *   npm run bench:recs:wave [-- --seconds 5 --listeners 100 --tracks 2000 --mode both|pooled|direct --clients 1,20 --profile /tmp/wave.cpuprofile]
 *
 * Twice by default: with the database behind scripts/bench/pg-pool.ts (warm
 * server connections, as production's Hyperdrive) and direct (a new backend per
 * request, as Miniflare's local Hyperdrive); see docs/recommendations-serving.md.
 *
 * Seeded model: 20 genres of `tracks / 20` tracks, each track with 20
 * neighbours in its genre, popularity per genre and overall; every listener
 * has 30 recent signals in two genres. A fresh database on DATABASE_URL's server.
 */
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { withPassword } from "../../shared/db/urls.ts";
import { createTestDatabase } from "../../shared/testing/test-database.ts";
import { signAccessToken } from "../../workers/auth/access-token.ts";
import { authConfigSchema } from "../../workers/auth/config.ts";
import { createKeyRing, generateSigningKey } from "../../workers/auth/signing-keys.ts";
import { freePort } from "../../test/processes.ts";
import { startProfiler, summarise } from "./cpu-profile.ts";
import { type PgPool, startPgPool } from "./pg-pool.ts";
import { benchGenres as genres, seedWaveBench } from "./recs-seed.ts";
import { type RunningGateway, startGatewayInWorkerd } from "./workerd.ts";

const { values: options } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    listeners: { type: "string", default: "100" },
    tracks: { type: "string", default: "2000" },
    mode: { type: "string", default: "both" },
    clients: { type: "string", default: "1,20" },
    profile: { type: "string" },
  },
});
const seconds = Number(options.seconds);
const listenerCount = Number(options.listeners);
const trackCount = Number(options.tracks);
const root = new URL("../..", import.meta.url).pathname;
const random = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64");

interface Figures {
  requests: number;
  p50: number;
  p95: number;
  failures: number;
  tracksPerAnswer: number;
  /** CPU time of this bench's workerd processes per request (ms): the Worker's own cost, far less bent by the machine's load than latency. */
  workerCpuMs: number;
}

/**
 * utime + stime of the workerd processes this bench started (Miniflare's
 * children), in ms. Linux /proc; USER_HZ is 100 on Linux, so 10 ms resolution,
 * fine over a few seconds of requests.
 */
function workerdCpuMs(): number {
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const fields = stat.slice(close + 2).split(" ");
      // After the command: state, ppid, ..., utime (11th), stime (12th).
      if (stat.slice(stat.indexOf("(") + 1, close) === "workerd" && Number(fields[1]) === process.pid) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return ticks * 10;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

/** `clients` loops, each sending one request after the other for `seconds`; latency per request. */
async function measure(url: string, clients: number, authorizations: string[], forSeconds = seconds): Promise<Figures> {
  const latencies: number[] = [];
  let failures = 0;
  let tracks = 0;
  let answers = 0;
  let next = 0;
  const deadline = performance.now() + forSeconds * 1000;
  const cpuBefore = workerdCpuMs();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const authorization = authorizations[next++ % Math.max(1, authorizations.length)];
        const started = performance.now();
        const response = await fetch(url, authorization ? { headers: { authorization } } : {});
        const text = await response.text();
        latencies.push(performance.now() - started);
        if (!response.ok) failures += 1;
        else if (text.startsWith('{"tracks"')) {
          answers += 1;
          tracks += (JSON.parse(text) as { tracks: unknown[] }).tracks.length;
        }
      }
    }),
  );
  const cpu = workerdCpuMs() - cpuBefore;
  latencies.sort((a, b) => a - b);
  return {
    workerCpuMs: latencies.length ? cpu / latencies.length : 0,
    requests: latencies.length,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    failures,
    tracksPerAnswer: answers ? tracks / answers : 0,
  };
}

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error("DATABASE_URL must point at PostgreSQL");
  const database = await createTestDatabase("postgres");
  const work = await mkdtemp(join(tmpdir(), "tunec-bench-recs-"));
  let gateway: RunningGateway | undefined;
  let pool: PgPool | undefined;
  try {
    console.log(`seeding ${trackCount} tracks in ${genres} genres, ${listenerCount} listeners...`);
    const { listenerIds, trackIds } = await seedWaveBench(database.db, { trackCount, listenerCount });
    const key = await generateSigningKey();
    const ring = await createKeyRing([key]);
    const auth = authConfigSchema.parse({ ENVIRONMENT: "development" });
    const authorizations: string[] = [];
    for (const userId of listenerIds) {
      const principal = { userId, roles: ["listener" as const], isPremium: false, sessionId: crypto.randomUUID() };
      authorizations.push(`Bearer ${(await signAccessToken(ring, { issuer: auth.JWT_ISSUER, audience: auth.JWT_AUDIENCE }, principal)).token}`);
    }
    // Fresh tables: planner statistics as a live database would have them.
    await sql`analyze`.execute(database.db);
    const bindings: Record<string, string> = {
      ENVIRONMENT: "development",
      LOG_LEVEL: "error",
      JWT_SIGNING_KEYS: JSON.stringify([key]),
      MEDIA_SIGNING_KEY: random(32),
      STORAGE_INTERNAL_TOKEN: random(32),
      RATE_LIMIT_USER: "1000000/1h",
      RATE_LIMIT_ANONYMOUS: "1000000/1h",
    };
    const row = (label: string, f: Figures, baseline?: Figures) =>
      `  ${label.padEnd(34)} ${String(f.requests).padStart(6)} req   p50 ${f.p50.toFixed(1).padStart(6)} ms   p95 ${f.p95.toFixed(1).padStart(6)} ms${
        baseline ? `   p95 ×${(f.p95 / baseline.p95).toFixed(1)} of bare` : ""
      }   Worker CPU ${f.workerCpuMs.toFixed(2)} ms/req${f.tracksPerAnswer ? `   ${f.tracksPerAnswer.toFixed(1)} tracks/answer` : ""}${f.failures ? `   failed ${f.failures}` : ""}`;
    // Production's Worker reaches PostgreSQL through Hyperdrive's warm pool; Miniflare's local
    // Hyperdrive connects straight to the server, a new backend (cold caches) per request.
    const modes = {
      pooled: "through scripts/bench/pg-pool.ts: warm server connections, as Hyperdrive pools them",
      direct: "direct, as wrangler dev: a new server connection per request",
    } as const;
    for (const mode of options.mode === "both" ? (["pooled", "direct"] as const) : [options.mode as keyof typeof modes]) {
      if (!(mode in modes)) throw new Error(`--mode is pooled, direct or both, not ${mode}`);
      pool = mode === "pooled" ? await startPgPool(withPassword(database.url)) : undefined;
      const inspectorPort = options.profile && mode === "pooled" ? await freePort() : undefined;
      gateway = await startGatewayInWorkerd({
        root,
        workDir: join(work, mode),
        bindings,
        databaseUrl: pool?.url ?? withPassword(database.url),
        ...(inspectorPort ? { inspectorPort, minify: false } : {}),
      });
      const base = gateway.url;
      const probe = await fetch(`${base}/me/wave?limit=10`, { headers: { authorization: authorizations[0] ?? "" } });
      if (probe.status !== 200) throw new Error(`GET /me/wave answered ${probe.status}: ${await probe.text()}`);
      console.log(`gateway: the Worker bundle in workerd at ${base}, database ${modes[mode]}; warming up...`);
      await measure(`${base}/me/wave?limit=10`, 4, authorizations);
      await measure(`${base}/ping`, 4, []);
      for (const clients of options.clients.split(",").map(Number)) {
        const bare = await measure(`${base}/ping`, clients, []);
        // One small catalog statement through the same connection path: the floor of a database-backed route.
        const track = await measure(`${base}/tracks/${trackIds[0]}`, clients, []);
        const wave = await measure(`${base}/me/wave?limit=10`, clients, authorizations);
        console.log(
          `${mode}, ${clients} client${clients > 1 ? "s" : ""}, ${seconds} s each (load ${(await readFile("/proc/loadavg", "utf8")).split(" ").slice(0, 3).join(" ")}):`,
        );
        console.log(row("GET /ping (bare)", bare));
        console.log(row("GET /tracks/{id} (one statement)", track, bare));
        console.log(row("GET /me/wave?limit=10", wave, bare));
      }
      if (options.profile && inspectorPort) {
        const profiler = await startProfiler(inspectorPort);
        const profiled = await measure(`${base}/me/wave?limit=10`, 1, authorizations, 5);
        const profile = await profiler.stop(options.profile);
        console.log(`CPU profile of GET /me/wave, 1 client, ${profiled.requests} requests in 5 s under the inspector (written to ${options.profile}):`);
        console.log(
          summarise(profile, {
            "token verify": /^verifyAccessToken$|^jwtVerify$|^authenticate$/,
            "rate limit": /^rateLimit$|RateLimiter|^consume|^gcra/i,
            "wave statement (state + candidates)": /^loadWave$/,
            "candidate scoring": /^gatherCandidates$/,
            "ranking (rankWave)": /^rankWave$/,
            "records + served statement (withTracks)": /^withTracks$/,
            "pg driver (parse / write)": /^parseMessage|^handleDataRow|^_handle|^parse[A-Z]|^serialize|^prepareValue/,
            "kysely compile": /^compileQuery$|^compile$/,
            "request validation (zod)": /safeParse|^parse$|^_parse$|^run$/,
          }),
        );
      }
      await gateway.stop();
      gateway = undefined;
      await pool?.stop();
      pool = undefined;
    }
  } finally {
    await gateway?.stop();
    await pool?.stop();
    await database.drop();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
