/**
 * Gateway overhead on this machine (not a test): requests per second and
 * p50/p99 latency of an authenticated route — `GET /me`: access-token
 * verification (EdDSA, jose), a RateLimiter Durable Object call and a trivial
 * handler — next to the bare `GET /ping` (no auth, no rate limit, no I/O), in
 * the same workerd under `wrangler dev`, with 50 concurrent clients.
 *
 *   npm run bench:gateway [-- --duration 8 --rounds 3 --connections 50 --users 50]
 *
 * Each client connection is its own user (its own rate-limit object), as real
 * traffic is; the limits are raised so that nothing is refused. The two routes
 * alternate for several rounds and the medians are compared, because a shared
 * machine's load drifts between runs.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { freePort } from "../../test/processes.ts";
import { signAccessToken } from "../../workers/auth/access-token.ts";
import { authConfigSchema } from "../../workers/auth/config.ts";
import { createKeyRing, generateSigningKey } from "../../workers/auth/signing-keys.ts";
import { waitUntilUp } from "./wait-until-up.ts";

const { values: options } = parseArgs({
  options: {
    duration: { type: "string", default: "8" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "50" },
    users: { type: "string", default: "50" },
  },
});
const duration = Number(options.duration);
const connections = Number(options.connections);
const users = Number(options.users);
const rounds = Number(options.rounds);
const root = new URL("../..", import.meta.url).pathname;

interface Measured {
  label: string;
  rps: number;
  p50: number;
  p99: number;
  failures: number;
}

async function measure(label: string, url: string, seconds: number, authorizations: string[] = []): Promise<Measured> {
  let next = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    setupClient(client) {
      const authorization = authorizations[next++ % Math.max(1, authorizations.length)];
      if (authorization) client.setHeaders({ authorization });
    },
  });
  return {
    label,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

async function main(): Promise<void> {
  const key = await generateSigningKey();
  const signingKeys = JSON.stringify([key]);
  const auth = authConfigSchema.parse({ ENVIRONMENT: "development" });
  const ring = await createKeyRing([key]);
  const authorizations = await Promise.all(
    Array.from({ length: users }, async () => {
      const principal = { userId: crypto.randomUUID(), roles: ["listener" as const], isPremium: false, sessionId: crypto.randomUUID() };
      const { token } = await signAccessToken(ring, { issuer: auth.JWT_ISSUER, audience: auth.JWT_AUDIENCE }, principal);
      return `Bearer ${token}`;
    }),
  );

  const work = await mkdtemp(join(tmpdir(), "tunec-bench-"));
  const envFile = join(work, "bench.env");
  await writeFile(
    envFile,
    ["ENVIRONMENT=development", "LOG_LEVEL=error", `JWT_SIGNING_KEYS='${signingKeys}'`, "RATE_LIMIT_USER=1000000/1h", "RATE_LIMIT_ANONYMOUS=1000000/1h"].join(
      "\n",
    ),
  );
  const port = await freePort();
  const wrangler = spawn(
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
      // /ping and /me never reach the database; Hyperdrive just needs a string.
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: "false",
        CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: "postgres://bench:unused@127.0.0.1:1/none",
      },
    },
  );
  const stop = () => {
    try {
      if (wrangler.pid) process.kill(-wrangler.pid, "SIGTERM");
    } catch {
      // already gone
    }
  };
  process.once("SIGINT", () => {
    stop();
    process.exit(130);
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitUntilUp(`${base}/ping`, () => wrangler.exitCode);
    const me = await fetch(`${base}/me`, { headers: { authorization: authorizations[0] ?? "" } });
    if (me.status !== 200) throw new Error(`GET /me answered ${me.status}: ${await me.text()}`);
    if (!me.headers.get("ratelimit")) throw new Error("GET /me carries no RateLimit header: the rate limiter is not on the path");

    console.log(`warming up (2 s each), then ${rounds} rounds of ${duration} s per route, ${connections} connections, ${users} users...`);
    await measure("warm-up", `${base}/ping`, 2);
    await measure("warm-up", `${base}/me`, 2, authorizations);
    const bare: Measured[] = [];
    const authenticated: Measured[] = [];
    for (let round = 1; round <= rounds; round++) {
      bare.push(await measure("GET /ping  (bare: no auth, no rate limit)", `${base}/ping`, duration));
      authenticated.push(await measure("GET /me    (JWT verify + rate-limit DO + handler)", `${base}/me`, duration, authorizations));
      const ratio = (authenticated.at(-1)?.rps ?? 0) / (bare.at(-1)?.rps ?? 1);
      console.log(
        `  round ${round}: bare ${bare.at(-1)?.rps.toFixed(0)} req/s, authenticated ${authenticated.at(-1)?.rps.toFixed(0)} req/s (${(ratio * 100).toFixed(1)}%)`,
      );
    }

    const row = (m: Measured) =>
      `${m.label.padEnd(52)} ${m.rps.toFixed(0).padStart(8)} ${String(m.p50).padStart(8)} ${String(m.p99).padStart(8)} ${String(m.failures).padStart(8)}`;
    const bareMedian = median(bare);
    const authenticatedMedian = median(authenticated);
    console.log(`\nmedian of ${rounds} rounds`);
    console.log(`${"route".padEnd(52)} ${"req/s".padStart(8)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"failed".padStart(8)}`);
    console.log(row(bareMedian));
    console.log(row(authenticatedMedian));
    const ratio = authenticatedMedian.rps / bareMedian.rps;
    console.log(`\nauthenticated / bare throughput: ${(ratio * 100).toFixed(1)}% (target ≥ 60%: ${ratio >= 0.6 ? "met" : "NOT met"})`);
    if ([...bare, ...authenticated].some((m) => m.failures > 0)) {
      throw new Error("some requests failed or were refused; the figures above are not comparable");
    }
  } finally {
    stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** The run with the median throughput; its latencies are reported with it. */
function median(runs: Measured[]): Measured {
  const sorted = [...runs].sort((a, b) => a.rps - b.rps);
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (!middle) throw new Error("no runs");
  return { ...middle, failures: runs.reduce((sum, run) => sum + run.failures, 0) };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
