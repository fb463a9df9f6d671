/**
 * Playback figures on this machine (not a test), through the gateway Worker in
 * workerd (`--runtime workerd`, default: the deploy bundle under Miniflare) or
 * under `wrangler dev` (`--runtime wrangler-dev`, whose proxy Durable Object
 * caps even a bare route near 1,000 req/s here):
 *
 *  1. stream-URL issuance — `GET /stream/{id}` with 50 concurrent clients, each
 *     its own listener (half premium): JWT verify, rate-limit DO, catalog read,
 *     Session DO (lease + play), outbox insert, HMAC signing. req/s, p50, p99.
 *  2. media time to first byte of a Range request on a signed URL (signature,
 *     lease check in the Session DO, R2 or the edge cache), sequential, p50/p99,
 *     first from R2 (cold objects) then from the Cache API.
 *
 *  3. issuance cost as a ratio: /stream's closed-loop capacity against the bare
 *     `/ping` of the same workerd in the same run (target ≥ 50%), then an
 *     open-loop run of /stream at a fixed arrival rate of half that capacity,
 *     latency from each request's intended send time (target p99 ≤ 15 ms).
 *  4. with `--profile`, a CPU profile of /stream under load over workerd's
 *     inspector: where the time goes, by step and by function (the raw
 *     profile is written to --profile's file, for DevTools).
 *
 *  5. the floor (`--floor`, on by default; `--no-floor`): scripts/bench/stream-floor.ts's
 *     Worker in the same workerd, doing only what issuance cannot skip (two Durable Object
 *     calls, one SQLite commit, one HMAC), measured like /stream: /stream ÷ floor is the
 *     share of the unavoidable cost our code reaches, floor ÷ /ping what the 50% target asks
 *     of the platform.
 *
 *   npm run bench:playback [-- --pooled --no-floor --duration 10 --rounds 2 --connections 50 --tracks 20 --ttfb 300 --open-loop 10 --profile /tmp/stream.cpuprofile --runtime workerd|wrangler-dev --state-dir /dev/shm]
 *
 * `--pooled` puts scripts/bench/pg-pool.ts between the Worker's Hyperdrive binding and
 * PostgreSQL: production Hyperdrive pools connections, while Miniflare's local Hyperdrive
 * opens a new PostgreSQL backend for every connection the Worker makes (about 20 ms here),
 * which the catalog refreshes and the relay's reconnects pay locally and not in production.
 *
 * `--state-dir` puts the Durable Objects' SQLite files and R2 objects elsewhere than the
 * run's temporary directory, e.g. on a tmpfs (scripts/bench/workerd.ts says why).
 *
 * The database is a fresh one on DATABASE_URL's server (PostgreSQL), or an
 * embedded PGlite without it; objects go into wrangler's local R2 through the
 * edge's internal object endpoint, as under `npm start`.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import { withPassword } from "../../shared/db/urls.ts";
import { createHttpObjectStore } from "../../shared/storage/http-object-store.ts";
import { createTestDatabase } from "../../shared/testing/test-database.ts";
import { freePort } from "../../test/processes.ts";
import { signAccessToken } from "../../workers/auth/access-token.ts";
import { authConfigSchema } from "../../workers/auth/config.ts";
import { createKeyRing, generateSigningKey } from "../../workers/auth/signing-keys.ts";
import { startProfiler, summarise } from "./cpu-profile.ts";
import { openLoop } from "./open-loop.ts";
import { type PgPool, startPgPool } from "./pg-pool.ts";
import { floorPrefix } from "./stream-floor.ts";
import { startGatewayInWorkerd, type RunningGateway } from "./workerd.ts";
import { waitUntilUp } from "./wait-until-up.ts";

const { values: options } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    rounds: { type: "string", default: "2" },
    connections: { type: "string", default: "50" },
    tracks: { type: "string", default: "20" },
    ttfb: { type: "string", default: "300" },
    runtime: { type: "string", default: "workerd" },
    "open-loop": { type: "string", default: "10" },
    profile: { type: "string" },
    "state-dir": { type: "string" },
    pooled: { type: "boolean", default: false },
    // The floor Worker beside the gateway (scripts/bench/stream-floor.ts); --no-floor leaves it out.
    floor: { type: "boolean", default: true },
  },
  allowNegative: true,
});
const duration = Number(options.duration);
const rounds = Number(options.rounds);
const connections = Number(options.connections);
const trackCount = Number(options.tracks);
const ttfbSamples = Number(options.ttfb);
if (options.runtime !== "workerd" && options.runtime !== "wrangler-dev") throw new Error("--runtime is workerd or wrangler-dev");
const runtime = options.runtime;
const openLoopSeconds = Number(options["open-loop"]);
if (options.profile && runtime !== "workerd") throw new Error("--profile needs --runtime workerd");
const root = new URL("../..", import.meta.url).pathname;
const random = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64");

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  failures: number;
  /** Successful answers: for /stream, plays started. */
  ok: number;
  /** Answers by status code, e.g. "200: 950, 503: 2". */
  statuses: string;
}

async function issuance(
  base: string,
  trackIds: string[],
  authorizations: string[],
  seconds: number,
  clients = connections,
  prefix = "",
  route = "stream",
): Promise<Measured> {
  let nextClient = 0;
  let nextTrack = 0;
  const result = await autocannon({
    url: base,
    connections: clients,
    duration: seconds,
    // Every request is a new play of the next track: a catalog read, a Session DO write, an outbox row.
    requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: `${prefix}/${route}/${trackIds[nextTrack++ % trackIds.length]}` }) }],
    setupClient(client) {
      client.setHeaders({ authorization: authorizations[nextClient++ % authorizations.length] ?? "" });
    },
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
    ok: result["2xx"],
    statuses: statusesOf(result),
  };
}

function statusesOf(result: autocannon.Result): string {
  const codes = Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => `${code}: ${stat.count}`);
  if (result.errors) codes.push(`errors: ${result.errors}`);
  if (result.timeouts) codes.push(`timeouts: ${result.timeouts}`);
  return codes.join(", ");
}

async function plain(url: string, seconds: number, authorizations: string[] = [], clients = connections): Promise<Measured> {
  let next = 0;
  const result = await autocannon({
    url,
    connections: clients,
    duration: seconds,
    setupClient(client) {
      const authorization = authorizations[next++ % Math.max(1, authorizations.length)];
      if (authorization) client.setHeaders({ authorization });
    },
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
    ok: result["2xx"],
    statuses: statusesOf(result),
  };
}

/** Milliseconds from sending a Range request until its first body byte. */
async function timeToFirstByte(url: string, range: string): Promise<{ ms: number; cache: string | null }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { range } });
  const reader = response.body?.getReader();
  const first = await reader?.read();
  const ms = performance.now() - started;
  await reader?.cancel();
  if (response.status !== 206 || !first?.value?.byteLength) throw new Error(`Range request answered ${response.status}`);
  return { ms, cache: response.headers.get("x-edge-cache") };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

async function main(): Promise<void> {
  const kind = process.env.DATABASE_URL ? "postgres" : "pglite";
  console.log(`database: a fresh ${kind === "postgres" ? "PostgreSQL database on DATABASE_URL's server" : "embedded PGlite"}; seeding ${trackCount} tracks...`);
  const database = await createTestDatabase(kind);
  const work = await mkdtemp(join(tmpdir(), "tunec-bench-playback-"));
  // A fresh directory under --state-dir (e.g. /dev/shm): Durable Object SQLite files and R2 objects.
  const stateDir = options["state-dir"] ? await mkdtemp(join(options["state-dir"], "tunec-bench-state-")) : null;
  let wrangler: ReturnType<typeof spawn> | undefined;
  let workerd: RunningGateway | undefined;
  let pool: PgPool | undefined;
  const stop = async () => {
    try {
      if (wrangler?.pid) process.kill(-wrangler.pid, "SIGTERM");
    } catch {
      // already gone
    }
    await workerd?.stop();
    await pool?.stop();
  };
  process.once("SIGINT", () => {
    void stop().finally(() => process.exit(130));
  });
  try {
    const artist = await database.db.insertInto("catalog.artists").values({ name: "Бенчмарк" }).returning("id").executeTakeFirstOrThrow();
    const tracks = await database.db
      .insertInto("catalog.tracks")
      .values(
        Array.from({ length: trackCount }, (_, i) => ({
          title: `Трек ${i + 1}`,
          artist_id: artist.id,
          duration_ms: 200_000,
          status: "published" as const,
          published_at: new Date(),
        })),
      )
      .returning("id")
      .execute();
    const trackIds = tracks.map((track) => track.id);
    const sizes = { standard: 3_200_000, high: 6_400_000 };
    await database.db
      .insertInto("catalog.renditions")
      .values(
        trackIds.flatMap((id) =>
          (["standard", "high"] as const).map((quality) => ({
            track_id: id,
            quality,
            codec: "aac" as const,
            bitrate_kbps: quality === "high" ? 256 : 128,
            object_key: `tracks/${id}/${quality}.m4a`,
            size_bytes: sizes[quality],
            loudness_lufs: "-14.00",
          })),
        ),
      )
      .execute();

    const key = await generateSigningKey();
    const ring = await createKeyRing([key]);
    const auth = authConfigSchema.parse({ ENVIRONMENT: "development" });
    const authorizations = await Promise.all(
      Array.from({ length: connections }, async (_, i) => {
        const principal = { userId: crypto.randomUUID(), roles: ["listener" as const], isPremium: i % 2 === 0, sessionId: crypto.randomUUID() };
        return `Bearer ${(await signAccessToken(ring, { issuer: auth.JWT_ISSUER, audience: auth.JWT_AUDIENCE }, principal)).token}`;
      }),
    );
    const internalToken = random(32);
    const bindings: Record<string, string> = {
      ENVIRONMENT: "development",
      LOG_LEVEL: "error",
      JWT_SIGNING_KEYS: JSON.stringify([key]),
      MEDIA_SIGNING_KEY: random(32),
      STORAGE_INTERNAL_TOKEN: internalToken,
      RATE_LIMIT_USER: "1000000/1h",
      RATE_LIMIT_ANONYMOUS: "1000000/1h",
    };
    pool = options.pooled ? await startPgPool(withPassword(database.url)) : undefined;
    const databaseUrl = pool?.url ?? withPassword(database.url);
    console.log(
      `database connections: ${pool ? "through scripts/bench/pg-pool.ts (warm server connections, as Hyperdrive pools them)" : "direct (local Hyperdrive: a new PostgreSQL backend per connection)"}`,
    );
    let base: string;
    let inspectorPort: number | undefined;
    if (runtime === "workerd") {
      inspectorPort = options.profile ? await freePort() : undefined;
      workerd = await startGatewayInWorkerd({
        root,
        workDir: work,
        bindings,
        databaseUrl,
        inspectorPort,
        minify: !options.profile,
        stateDir: stateDir ?? undefined,
        floor: options.floor,
      });
      base = workerd.url;
    } else {
      const dev = await startWranglerDev(work, bindings, databaseUrl);
      wrangler = dev.child;
      base = dev.url;
    }
    console.log(
      `gateway: ${runtime === "workerd" ? `the Worker bundle in workerd (Miniflare, no dev proxy; state in ${stateDir ?? join(work, "state")})` : "wrangler dev (requests pass its proxy Durable Object)"} at ${base}`,
    );

    const store = createHttpObjectStore({ baseUrl: base, token: internalToken });
    const bytes = { standard: new Uint8Array(sizes.standard).fill(7), high: new Uint8Array(sizes.high).fill(9) };
    for (const id of trackIds) {
      for (const quality of ["standard", "high"] as const) await store.put(`tracks/${id}/${quality}.m4a`, bytes[quality], { contentType: "audio/mp4" });
    }
    const probe = await fetch(`${base}/stream/${trackIds[0]}`, { headers: { authorization: authorizations[0] ?? "" } });
    if (probe.status !== 200) throw new Error(`GET /stream answered ${probe.status}: ${await probe.text()}`);

    const sessionsAtStart = await backendSessions(database.db);
    console.log(`warming up (3 s), then ${rounds} rounds of ${duration} s, ${connections} connections (one listener each, half premium)...`);
    const warmUp = await issuance(base, trackIds, authorizations, 3);
    const runs: Measured[] = [];
    for (let round = 1; round <= rounds; round++) {
      const run = await issuance(base, trackIds, authorizations, duration);
      runs.push(run);
      console.log(
        `  round ${round}: ${run.rps.toFixed(0)} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms, failed ${run.failures}${run.failures ? ` (${run.statuses})` : ""}`,
      );
    }
    // One client at a time: the service time of each route, without queueing.
    const single = await issuance(base, trackIds, authorizations, 3, 1);
    const healthz = await plain(`${base}/healthz`, 3, [], 1);
    const me = await plain(`${base}/me`, 3, authorizations, 1);
    // The same workerd's ceiling with 50 clients: no route can beat the bare one.
    const bare = await plain(`${base}/ping`, 3);
    const meConcurrent = await plain(`${base}/me`, 3, authorizations);
    const row = (label: string, m: Measured) => `  ${label.padEnd(52)} ${m.rps.toFixed(0).padStart(6)} req/s   p50 ${m.p50} ms   p99 ${m.p99} ms`;
    console.log("  one client at a time (service time, no queueing):");
    console.log(row("GET /stream/{id}", single));
    console.log(row("GET /healthz (one database round trip)", healthz));
    console.log(row("GET /me (JWT verify + rate-limit DO)", me));
    console.log(`  ${connections} clients, for scale:`);
    console.log(row("GET /ping (bare: no auth, no I/O)", bare));
    console.log(row("GET /me (JWT verify + rate-limit DO)", meConcurrent));
    const median = [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)] ?? runs[0];
    if (!median) throw new Error("no runs");
    console.log(`  issuance cost: /stream reaches ${((100 * median.rps) / bare.rps).toFixed(0)}% of bare /ping (target ≥ 50%)`);
    if (options.floor && runtime === "workerd") {
      // What no implementation with the same guarantees can skip, in the same workerd (scripts/bench/stream-floor.ts).
      await issuance(base, trackIds, authorizations, 2, connections, floorPrefix);
      const floor = await issuance(base, trackIds, authorizations, duration, connections, floorPrefix);
      const floorOneCall = await issuance(base, trackIds, authorizations, duration, connections, floorPrefix, "stream1");
      const floorPing = await plain(`${base}${floorPrefix}/ping`, 3);
      console.log("  the floor (a second Worker in this workerd: 2 Durable Object calls, 1 SQLite commit, 1 HMAC; nothing else):");
      console.log(row("GET /__floor/stream/{id}", floor));
      console.log(row("GET /__floor/stream1/{id} (one object call: bucket and lease together)", floorOneCall));
      console.log(row("GET /__floor/ping (its bare route)", floorPing));
      console.log(
        `  the floor reaches ${((100 * floor.rps) / bare.rps).toFixed(0)}% of the gateway's bare /ping (with one object call: ${((100 * floorOneCall.rps) / bare.rps).toFixed(0)}%); /stream reaches ${((100 * median.rps) / floor.rps).toFixed(0)}% of the floor`,
      );
      if (openLoopSeconds > 0) {
        // The same open-loop test on the floor: whether p99 ≤ 15 ms at half capacity is reachable in this workerd at all.
        const rate = Math.max(1, Math.round(floor.rps / 2));
        const open = await openLoop({
          base,
          rate,
          seconds: openLoopSeconds,
          request: (i) => ({
            path: `${floorPrefix}/stream/${trackIds[i % trackIds.length]}`,
            headers: { authorization: authorizations[i % authorizations.length] ?? "" },
          }),
        });
        console.log(
          `  open loop, the floor at ${rate} req/s (half its capacity) for ${openLoopSeconds} s: answered ${open.ok}/${open.sent}   p50 ${open.p50.toFixed(1)} ms   p99 ${open.p99.toFixed(1)} ms   max ${open.max.toFixed(1)} ms`,
        );
      }
    }

    // Open loop at half the measured capacity: what a listener sees when the edge is not saturated.
    let openLoopPlays = 0;
    if (openLoopSeconds > 0) {
      const rate = Math.max(1, Math.round(median.rps / 2));
      const open = await openLoop({
        base,
        rate,
        seconds: openLoopSeconds,
        request: (i) => ({ path: `/stream/${trackIds[i % trackIds.length]}`, headers: { authorization: authorizations[i % authorizations.length] ?? "" } }),
      });
      openLoopPlays = open.ok;
      console.log(`  open loop, GET /stream/{id} at ${rate} req/s (half the capacity above) for ${openLoopSeconds} s, latency from the intended send time:`);
      console.log(
        `    answered ${open.ok}/${open.sent} at ${open.achieved.toFixed(0)} req/s   p50 ${open.p50.toFixed(1)} ms   p99 ${open.p99.toFixed(1)} ms   max ${open.max.toFixed(1)} ms   failed ${open.failed}${open.failed ? ` (${open.statuses})` : ""}`,
      );
      console.log(`    target p99 ≤ 15 ms: ${open.p99 <= 15 ? "met" : "NOT met"}`);
    }
    let profiledPlays = 0;
    if (options.profile && inspectorPort) {
      const profiler = await startProfiler(inspectorPort);
      const profiled = await issuance(base, trackIds, authorizations, 5);
      profiledPlays = profiled.ok;
      const profile = await profiler.stop(options.profile);
      console.log(`\nCPU profile of GET /stream/{id}, 5 s at ${profiled.rps.toFixed(0)} req/s under the inspector (written to ${options.profile}):`);
      console.log(
        summarise(profile, {
          "gateway middleware (request context, logging)": /^requestContext|^logRequests|^log/,
          // jose's verifySignature resumes after WebCrypto's await, under the root: named here or it is missed.
          "token verify (authenticate → verifyAccessToken*, jose)": /^verifyAccessToken|^verifyClaims$|^jwtVerify$|^verifySignature$|^authenticate$/,
          "rate limit (middleware + RateLimiter object)": /^rateLimit$|RateLimiter|^consume|^gcra/i,
          "catalog read (findPlayableTrack*, pg, kysely)": /^findPlayableTrack/,
          "play ids (uuidV5 over SHA-1)": /^playEventContext$|^uuidV5$/,
          "Session object: startStream (SQLite, alarm)": /^startStream$/,
          "event relay to PostgreSQL (Session side)": /^alarm$|^relayPendingEvents$|^relayNewEvents$|^relayQueued$/,
          "media URL signing (HMAC)": /^signMediaUrl$|^issue$/,
          "request validation (zod)": /safeParse|^parse$|^_parse$|^run$/,
        }),
      );
    }
    // Every successful /stream above started a new play (plus those still in flight when a measurement stopped).
    const plays = 1 + warmUp.ok + single.ok + runs.reduce((n, run) => n + run.ok, 0) + openLoopPlays + profiledPlays;
    const inFlight = (rounds + 1 + (profiledPlays ? 1 : 0)) * connections + 1;
    const relayed = await waitForOutbox(database.db, plays);
    // Sessions of the bench database that ended since the warm-up (PostgreSQL counts a session when it ends).
    const sessions = (await backendSessions(database.db)) - sessionsAtStart;
    console.log(`  PostgreSQL sessions on the bench database since the warm-up: ${sessions} (${(sessions / plays).toFixed(3)} per play)`);
    if (pool) console.log(`  pool: ${pool.opened()} server connections opened in the whole run`);

    // TTFB: one listener plays each track; the first pass reads R2, later passes the edge cache.
    const urls: string[] = [];
    for (const id of trackIds) {
      const body = (await (await fetch(`${base}/stream/${id}`, { headers: { authorization: authorizations[1] ?? "" } })).json()) as { url: string };
      urls.push(body.url);
    }
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < ttfbSamples; i++) {
      const url = urls[i % urls.length] ?? "";
      const offset = Math.floor(Math.random() * (sizes.standard - 65_536));
      const sample = await timeToFirstByte(url, `bytes=${offset}-${offset + 65_535}`);
      (sample.cache === "HIT" ? warm : cold).push(sample.ms);
    }

    console.log(`\nstream-URL issuance (GET /stream/{id}), median of ${rounds} rounds, ${connections} connections`);
    console.log(`  ${median.rps.toFixed(0)} req/s   p50 ${median.p50} ms   p99 ${median.p99} ms   failed ${runs.reduce((n, run) => n + run.failures, 0)}`);
    console.log(`  target p99 ≤ 15 ms: ${median.p99 <= 15 ? "met" : "NOT met"}`);
    console.log(
      `  plays answered ${plays} (+ up to ${inFlight} in flight at the stops); PlaybackStarted in events.outbox ${relayed.count} for ${relayed.distinct} distinct plays`,
    );
    const ttfbRow = (label: string, values: number[]) =>
      values.length
        ? `  ${label.padEnd(28)} n=${String(values.length).padStart(4)}   p50 ${percentile(values, 50).toFixed(1)} ms   p99 ${percentile(values, 99).toFixed(1)} ms`
        : `  ${label.padEnd(28)} n=   0`;
    console.log("\nmedia time to first byte, 64 KiB Range at a random offset, sequential");
    console.log(ttfbRow("from R2 (cache miss)", cold));
    console.log(ttfbRow("from the edge cache (hit)", warm));
    console.log(ttfbRow("all", [...cold, ...warm]));
    if (runs.some((run) => run.failures > 0)) throw new Error("some requests failed; the figures above are not comparable");
    if (relayed.count !== relayed.distinct || relayed.count < plays || relayed.count > plays + inFlight) {
      throw new Error(`expected one PlaybackStarted per play (${plays}–${plays + inFlight}), found ${relayed.count} rows for ${relayed.distinct} plays`);
    }
  } finally {
    await stop();
    await database.drop();
    await rm(work, { recursive: true, force: true });
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  }
}

/** Sessions the server has counted for the bench database (pg_stat_database, PostgreSQL ≥ 14); NaN where there is no such count (PGlite). */
async function backendSessions(db: Kysely<Database>): Promise<number> {
  try {
    const result = await sql<{ n: string }>`select sessions::text as n from pg_stat_database where datname = current_database()`.execute(db);
    return Number(result.rows[0]?.n ?? Number.NaN);
  } catch {
    return Number.NaN;
  }
}

/**
 * Polls until at least `expected` PlaybackStarted rows are in the outbox and
 * the count has not moved for a second (requests still in flight when a
 * measurement stopped start plays too), or 60 s pass.
 */
async function waitForOutbox(db: Kysely<Database>, expected: number): Promise<{ count: number; distinct: number; ms: number }> {
  const started = Date.now();
  let last = { count: -1, at: Date.now() };
  for (;;) {
    const row = await db
      .selectFrom("events.outbox")
      .select([sql<string>`count(*)`.as("n"), sql<string>`count(distinct event->'data'->>'playId')`.as("plays")])
      .where("type", "=", "tunec.playback.playback-started.v1")
      .executeTakeFirstOrThrow();
    const count = Number(row.n);
    if (count !== last.count) last = { count, at: Date.now() };
    const settled = count >= expected && Date.now() - last.at >= 1_000;
    if (settled || Date.now() - started > 60_000) return { count, distinct: Number(row.plays), ms: last.at - started };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The older way: `wrangler dev`, as `npm start` runs the edge (every request passes its proxy Durable Object). */
async function startWranglerDev(work: string, vars: Record<string, string>, databaseUrl: string): Promise<{ url: string; child: ReturnType<typeof spawn> }> {
  const envFile = join(work, "bench.env");
  await writeFile(
    envFile,
    Object.entries(vars)
      .map(([name, value]) => (name === "JWT_SIGNING_KEYS" ? `${name}='${value}'` : `${name}=${value}`))
      .join("\n"),
  );
  const port = await freePort();
  const child = spawn(
    join(root, "node_modules", ".bin", "wrangler"),
    [
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--env-file",
      envFile,
      "--persist-to",
      join(work, "state"),
      "--show-interactive-dev-session=false",
      "--log-level",
      "error",
    ],
    {
      cwd: root,
      detached: true, // its own process group, so workerd goes down with it
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: databaseUrl },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(`${url}/healthz`, () => child.exitCode);
  return { url, child };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
