/**
 * Serving half of `npm run bench:recs` (issue 12): `GET /me/wave` through the
 * gateway Worker in workerd (the deploy bundle under Miniflare, as
 * scripts/bench/playback.ts), one client and 20 concurrent, p50/p95, beside
 * the bare `GET /ping` measured the same way in the same run. Not a test: it
 * prints figures.
 *
 *   npm run bench:recs:wave [-- --seconds 5 --listeners 100 --tracks 2000]
 *
 * Seeded model: 20 genres of `tracks / 20` tracks, each track with 20
 * neighbours in its genre, popularity per genre and overall; every listener
 * has 30 recent signals in two genres. A fresh database on DATABASE_URL's server.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { withPassword } from "../../shared/db/urls.ts";
import { SIGNAL_WEIGHTS } from "../../shared/recs/signals.ts";
import { createTestDatabase } from "../../shared/testing/test-database.ts";
import { signAccessToken } from "../../workers/auth/access-token.ts";
import { authConfigSchema } from "../../workers/auth/config.ts";
import { createKeyRing, generateSigningKey } from "../../workers/auth/signing-keys.ts";
import { type RunningGateway, startGatewayInWorkerd } from "./workerd.ts";

const { values: options } = parseArgs({
  options: { seconds: { type: "string", default: "5" }, listeners: { type: "string", default: "100" }, tracks: { type: "string", default: "2000" } },
});
const seconds = Number(options.seconds);
const listenerCount = Number(options.listeners);
const trackCount = Number(options.tracks);
const genres = 20;
const root = new URL("../..", import.meta.url).pathname;
const random = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64");

interface Figures {
  requests: number;
  p50: number;
  p95: number;
  failures: number;
  tracksPerAnswer: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

/** `clients` loops, each sending one request after the other for `seconds`; latency per request. */
async function measure(url: string, clients: number, authorizations: string[]): Promise<Figures> {
  const latencies: number[] = [];
  let failures = 0;
  let tracks = 0;
  let answers = 0;
  let next = 0;
  const deadline = performance.now() + seconds * 1000;
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
  latencies.sort((a, b) => a - b);
  return {
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
  try {
    console.log(`seeding ${trackCount} tracks in ${genres} genres, ${listenerCount} listeners...`);
    const db = database.db;
    const trackIds: string[][] = [];
    for (let g = 0; g < genres; g += 1) {
      const artists = await db
        .insertInto("catalog.artists")
        .values(Array.from({ length: 10 }, (_, a) => ({ name: `Genre ${g} artist ${a}` })))
        .returning("id")
        .execute();
      const rows = await db
        .insertInto("catalog.tracks")
        .values(
          Array.from({ length: trackCount / genres }, (_, i) => ({
            title: `G${g} T${i}`,
            artist_id: artists[i % artists.length]?.id ?? "",
            duration_ms: 200_000,
            status: "published" as const,
            published_at: new Date(),
            genres: [`genre${g}`],
            language: g % 2 ? "ru" : "en",
          })),
        )
        .returning("id")
        .execute();
      trackIds.push(rows.map((row) => row.id));
    }
    const all = trackIds.flat();
    for (const group of trackIds) {
      await db
        .insertInto("recs.track_neighbors")
        .values(
          group.flatMap((id, i) =>
            Array.from({ length: 20 }, (_, rank) => ({ track_id: id, rank, neighbor_id: group[(i + rank + 1) % group.length] ?? id, score: 1 - rank / 40 })),
          ),
        )
        .execute();
    }
    await db
      .insertInto("recs.popular_tracks")
      .values([
        ...trackIds.flatMap((group, g) => group.slice(0, 200).map((id, rank) => ({ segment: `genre:genre${g}`, rank, track_id: id, score: 200 - rank }))),
        ...all.slice(0, 200).map((id, rank) => ({ segment: "all", rank, track_id: id, score: 200 - rank })),
      ])
      .execute();
    const key = await generateSigningKey();
    const ring = await createKeyRing([key]);
    const auth = authConfigSchema.parse({ ENVIRONMENT: "development" });
    const authorizations: string[] = [];
    for (let l = 0; l < listenerCount; l += 1) {
      const userId = crypto.randomUUID();
      const favourite = [trackIds[l % genres] ?? [], trackIds[(l + 7) % genres] ?? []];
      await db
        .insertInto("recs.interactions")
        .values(
          Array.from({ length: 30 }, (_, i) => ({
            event_id: crypto.randomUUID(),
            account_id: userId,
            track_id: favourite[i % 2]?.[i] ?? "",
            signal: i % 3 === 0 ? ("like" as const) : ("complete" as const),
            weight: i % 3 === 0 ? SIGNAL_WEIGHTS.like : SIGNAL_WEIGHTS.complete,
            occurred_at: new Date(Date.now() - i * 3_600_000),
          })),
        )
        .execute();
      const principal = { userId, roles: ["listener" as const], isPremium: false, sessionId: crypto.randomUUID() };
      authorizations.push(`Bearer ${(await signAccessToken(ring, { issuer: auth.JWT_ISSUER, audience: auth.JWT_AUDIENCE }, principal)).token}`);
    }
    // Fresh tables: planner statistics as a live database would have them.
    await sql`analyze`.execute(db);
    const bindings: Record<string, string> = {
      ENVIRONMENT: "development",
      LOG_LEVEL: "error",
      JWT_SIGNING_KEYS: JSON.stringify([key]),
      MEDIA_SIGNING_KEY: random(32),
      STORAGE_INTERNAL_TOKEN: random(32),
      RATE_LIMIT_USER: "1000000/1h",
      RATE_LIMIT_ANONYMOUS: "1000000/1h",
    };
    gateway = await startGatewayInWorkerd({ root, workDir: work, bindings, databaseUrl: withPassword(database.url) });
    const base = gateway.url;
    const probe = await fetch(`${base}/me/wave?limit=10`, { headers: { authorization: authorizations[0] ?? "" } });
    if (probe.status !== 200) throw new Error(`GET /me/wave answered ${probe.status}: ${await probe.text()}`);
    console.log(`gateway: the Worker bundle in workerd at ${base}; warming up...`);
    await measure(`${base}/me/wave?limit=10`, 4, authorizations);
    await measure(`${base}/ping`, 4, []);
    const row = (label: string, f: Figures, baseline?: Figures) =>
      `  ${label.padEnd(34)} ${String(f.requests).padStart(6)} req   p50 ${f.p50.toFixed(1).padStart(6)} ms   p95 ${f.p95.toFixed(1).padStart(6)} ms${
        baseline ? `   p95 ×${(f.p95 / baseline.p95).toFixed(1)} of bare` : ""
      }${f.tracksPerAnswer ? `   ${f.tracksPerAnswer.toFixed(1)} tracks/answer` : ""}${f.failures ? `   failed ${f.failures}` : ""}`;
    for (const clients of [1, 20]) {
      const bare = await measure(`${base}/ping`, clients, []);
      const wave = await measure(`${base}/me/wave?limit=10`, clients, authorizations);
      console.log(`${clients} client${clients > 1 ? "s" : ""}, ${seconds} s each:`);
      console.log(row("GET /ping (bare)", bare));
      console.log(row("GET /me/wave?limit=10", wave, bare));
    }
  } finally {
    await gateway?.stop();
    await database.drop();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
