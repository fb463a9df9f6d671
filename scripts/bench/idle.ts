/**
 * `npm run bench:idle`: what the embedded default costs while nobody uses it,
 * and how fast it still reacts.
 *
 * Starts `npm start` (PGlite, in-process services, wrangler dev) on a fresh
 * DATA_DIR and free ports, waits until it is ready and the demo catalog has
 * settled, then samples the CPU time (utime + stime from /proc/<pid>/stat) of
 * the whole process tree over IDLE_SECONDS (default 60) and prints CPU-seconds
 * per idle minute, split by process. Then measures wake-up latency: an event
 * written to events.outbox → relayed to the log → committed by every consumer
 * group of its topic, WAKE_PROBES times (default 10), spaced out so each probe
 * meets an idle system.
 *
 * Linux only (/proc). Env: IDLE_SECONDS, WAKE_PROBES, SETTLE_SECONDS (extra
 * quiet time after the demo seed reported, default 20).
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { createPostgresDatabase } from "../../shared/db/postgres.ts";
import { freePort, startProcess, waitForOutput } from "../../test/processes.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const tsx = join(root, "node_modules", ".bin", "tsx");
const idleSeconds = Number(process.env.IDLE_SECONDS ?? 60);
const probes = Number(process.env.WAKE_PROBES ?? 10);
const settleSeconds = Number(process.env.SETTLE_SECONDS ?? 20);
const ticksPerSecond = 100; // USER_HZ on Linux
const probeTopic = "tunec.playback";

interface ProcStat {
  pid: number;
  ppid: number;
  name: string;
  ticks: number;
}

async function readStat(pid: number): Promise<ProcStat | null> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, "utf8");
    // The name is in parentheses and may hold spaces; fields after it are space-separated.
    const close = text.lastIndexOf(")");
    const name = text.slice(text.indexOf("(") + 1, close);
    const fields = text.slice(close + 2).split(" ");
    // After the name: state(0) ppid(1) … utime(11) stime(12).
    return { pid, ppid: Number(fields[1]), name, ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

/** The process and all its descendants, with their CPU ticks so far. */
async function tree(rootPid: number): Promise<Map<number, ProcStat>> {
  const all: ProcStat[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readStat(Number(entry));
    if (stat) all.push(stat);
  }
  const children = new Map<number, ProcStat[]>();
  for (const stat of all) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const found = new Map<number, ProcStat>();
  const rootStat = all.find((stat) => stat.pid === rootPid);
  const queue = rootStat ? [rootStat] : [];
  while (queue.length > 0) {
    const next = queue.shift();
    if (!next || found.has(next.pid)) continue;
    found.set(next.pid, next);
    queue.push(...(children.get(next.pid) ?? []));
  }
  return found;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), "tunec-idle-"));
  const { DATABASE_URL: _db, KAFKA_BROKERS: _kafka, ...rest } = process.env;
  const env = {
    ...rest,
    WRANGLER_SEND_METRICS: "false",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    DATA_DIR: dataDir,
    GATEWAY_PORT: String(await freePort()),
    EMBEDDED_DB_PORT: String(await freePort()),
    SBP_SANDBOX_PORT: String(await freePort()),
    USDT_SANDBOX_PORT: String(await freePort()),
  };
  const started = Date.now();
  const system = startProcess(tsx, ["scripts/start.ts"], env, root);
  const pid = system.child.pid;
  if (pid === undefined) throw new Error("npm start did not start");
  try {
    await waitForOutput(system, "ready —", 180_000);
    const seedDeadline = Date.now() + 600_000;
    while (!/demo catalog: .*(published|already seeded|failed)/.test(system.output())) {
      if (system.child.exitCode !== null || Date.now() > seedDeadline) throw new Error(`the demo seed did not finish:\n${system.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    console.log(`ready and seeded after ${((Date.now() - started) / 1000).toFixed(0)} s; settling ${settleSeconds} s`);
    await new Promise((resolve) => setTimeout(resolve, settleSeconds * 1000));

    const before = await tree(pid);
    const t0 = process.hrtime.bigint();
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    const after = await tree(pid);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    let total = 0;
    const rows: Array<{ pid: number; name: string; perMinute: number }> = [];
    for (const [processId, stat] of after) {
      const used = (stat.ticks - (before.get(processId)?.ticks ?? 0)) / ticksPerSecond;
      total += used;
      rows.push({ pid: processId, name: stat.name, perMinute: (used * 60) / seconds });
    }
    console.log(`idle CPU over ${seconds.toFixed(1)} s, ${after.size} processes:`);
    for (const row of rows.filter((row) => row.perMinute >= 0.01).sort((a, b) => b.perMinute - a.perMinute)) {
      console.log(`  ${String(row.pid).padStart(7)} ${row.name.padEnd(16)} ${row.perMinute.toFixed(2)} CPU-s/min`);
    }
    console.log(`idle CPU: ${((total * 60) / seconds).toFixed(2)} CPU-seconds per minute`);

    const latencies = await wakeUpLatencies(`postgres://postgres@127.0.0.1:${env.EMBEDDED_DB_PORT}/postgres`);
    if (latencies.length > 0) {
      console.log(
        `wake-up (outbox → log → committed by every group of ${probeTopic}), ${latencies.length} probes: ` +
          `p50 ${percentile(latencies, 50).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`,
      );
    }
  } finally {
    system.child.kill("SIGINT");
    await Promise.race([system.exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    if (system.child.exitCode === null) system.child.kill("SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * Each probe: an event of a type no consumer knows (consumers skip those and
 * commit past them) into the outbox, then the time until every group that
 * reads the topic has no lag on it. The polling below is what the probe costs.
 */
async function wakeUpLatencies(url: string): Promise<number[]> {
  const db = createPostgresDatabase(url, { maxConnections: 1 });
  const latencies: number[] = [];
  try {
    const groups = await sql<{ group_id: string }>`select distinct group_id from events.log_group_offsets where topic = ${probeTopic}`.execute(db);
    if (groups.rows.length === 0) {
      console.log(`wake-up: no consumer group reads ${probeTopic}; skipped`);
      return [];
    }
    const lagged = async (): Promise<number> => {
      const result = await sql<{ behind: string }>`
        select count(*)::text as behind
        from events.log_partitions p cross join unnest(${groups.rows.map((row) => row.group_id)}::text[]) as g(id)
        left join events.log_group_offsets o on o.group_id = g.id and o.topic = p.topic and o.partition = p.partition
        where p.topic = ${probeTopic} and p.next_offset > coalesce(o.next_offset, 0)`.execute(db);
      return Number(result.rows[0]?.behind ?? 0);
    };
    const relayed = async (id: string): Promise<boolean> => {
      const result = await sql<{ relayed: boolean }>`select relayed_at is not null as relayed from events.outbox where id = ${id}`.execute(db);
      return result.rows[0]?.relayed === true;
    };
    for (let probe = 0; probe < probes; probe++) {
      // Spaced out (and not a round multiple of any poll period) so each probe meets an idle system.
      await new Promise((resolve) => setTimeout(resolve, 1_300 + Math.random() * 700));
      const id = crypto.randomUUID();
      const event = {
        specversion: "1.0",
        id,
        source: "bench:idle",
        type: "tunec.bench.wake-probe.v1",
        time: new Date().toISOString(),
        datacontenttype: "application/json",
        data: {},
      };
      const t0 = performance.now();
      await sql`insert into events.outbox (id, topic, key, type, event) values (${id}, ${probeTopic}, ${id}, ${event.type}, ${JSON.stringify(event)})`.execute(
        db,
      );
      const deadline = Date.now() + 10_000;
      while (!(await relayed(id)) || (await lagged()) > 0) {
        if (Date.now() > deadline) throw new Error("wake-up probe not consumed within 10 s");
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      latencies.push(performance.now() - t0);
    }
  } finally {
    await db.destroy();
  }
  return latencies;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
