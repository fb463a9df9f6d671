import { sql } from "kysely";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { trackUpdatedV1 } from "../../shared/events/track-events.ts";
import { createTestDatabase, type TestDatabase } from "../../shared/testing/test-database.ts";
import type { RunningProcess } from "../../test/processes.ts";
import { captureTriggersInstalled } from "./trigger/capture-triggers.ts";
import { dropTestSlot, insertArtist, readTopics, testSlotName, type TopicReader } from "./testing/cdc-fixture.ts";
import { cdcMatrix, type TestBackbone } from "./testing/cdc-matrix.ts";
import { killHard, startOriginProcess, stopGracefully } from "./testing/cdc-process.ts";

const matrix = await cdcMatrix({ triggerOnPostgres: false });
const tracks = 200;
const kills = Number(process.env.CDC_CRASH_KILLS ?? 3);

afterAll(async () => {
  await matrix.release();
});

describe.each(matrix.cases)("CDC process killed mid-stream: $mode mode on $database, $logKind log", ({ database: kind, mode, logKind }) => {
  let database: TestDatabase;
  let backbone: TestBackbone;
  let slot: string;
  let reader: TopicReader | null = null;
  let cdc: RunningProcess | null = null;

  const startChild = () => startOriginProcess(["cdc"], { DATABASE_URL: database.url, CDC_SLOT: slot, CDC_MODE: mode, KAFKA_BROKERS: backbone.kafkaBrokers });

  beforeEach(async () => {
    database = await createTestDatabase(kind);
    backbone = await matrix.backbone(logKind, database);
    slot = testSlotName();
  });
  afterEach(async () => {
    if (cdc) await stopGracefully(cdc);
    await reader?.stop();
    await backbone.close();
    if (mode === "wal") await dropTestSlot(database.db, slot);
    await database.drop();
  });

  it("delivers every change after SIGKILLs and restarts; repeats carry the same event id", async () => {
    const artistId = await insertArtist(database.db);
    cdc = startChild();
    // Changes committed before the slot (or the triggers) exist are not captured: wait for them.
    await waitForCapture(database, mode, slot, cdc);
    const mine = new Set<string>();
    // Kept by artist: the topic may hold other runs' events (Kafka is shared).
    reader = await readTopics(
      backbone.log,
      [trackUpdatedV1.topic],
      (event) => (event.data as { after?: { artist_id?: string } }).after?.artist_id === artistId,
    );

    const killer = (async () => {
      for (let kill = 0; kill < kills; kill++) {
        await sleep(400 + Math.random() * 1_200);
        if (cdc) await killHard(cdc);
        await sleep(Math.random() * 300);
        cdc = startChild();
      }
    })();
    // Inserts and updates while the CDC process comes and goes.
    const expected = new Set<string>(); // `${trackId}/${op}/${title}`
    for (let index = 0; index < tracks; index++) {
      const title = `track ${index}`;
      const { id } = await database.db
        .insertInto("catalog.tracks")
        .values({ title, artist_id: artistId, duration_ms: 1_000 + index })
        .returning("id")
        .executeTakeFirstOrThrow();
      mine.add(id);
      expected.add(`${id}/c/${title}`);
      if (index % 2 === 0) {
        await database.db
          .updateTable("catalog.tracks")
          .set({ title: `${title} (edit)` })
          .where("id", "=", id)
          .execute();
        expected.add(`${id}/u/${title} (edit)`);
      }
      if (index % 20 === 0) await sleep(50);
    }
    await killer;

    const changeOf = (data: unknown) => {
      const { op, after } = data as { op: string; after: { id: string; title: string } };
      return `${after.id}/${op}/${after.title}`;
    };
    const events = await reader
      .waitFor(`all ${expected.size} changes`, (seen) => new Set(seen.map((e) => changeOf(e.event.data))).size >= expected.size, 90_000)
      .catch((error: unknown) => {
        const output = (cdc?.output() ?? "").split("\n").filter((line) => !line.includes("event relayed"));
        throw new Error(`${String(error)}\n--- the CDC process's last lines:\n${output.slice(-40).join("\n")}`);
      });
    const idsByChange = new Map<string, Set<string>>();
    for (const { event } of events) {
      const change = changeOf(event.data);
      idsByChange.set(change, (idsByChange.get(change) ?? new Set()).add(event.id));
    }
    expect([...idsByChange.keys()].sort()).toEqual([...expected].sort());
    // A change delivered twice (replayed after a kill) carries one id, so inboxes drop the repeat.
    expect([...idsByChange.values()].filter((ids) => ids.size > 1)).toEqual([]);
    // Per track, events arrive in change order: insert before update.
    for (const id of mine) {
      const ops = events.filter((e) => e.event.subject === id).map((e) => (e.event.data as { op: string }).op);
      if (ops.includes("u")) expect(ops.indexOf("c")).toBeLessThan(ops.indexOf("u"));
    }
    console.log(`${mode}/${kind}/${logKind}: ${expected.size} changes, ${events.length} events read (${events.length - expected.size} repeats)`);
  }, 180_000);
});

async function waitForCapture(database: TestDatabase, mode: string, slot: string, child: RunningProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.child.exitCode !== null) throw new Error(`cdc exited early:\n${child.output()}`);
    // A slot being created shows up before it is consistent; its confirmed position appears once it is.
    const ready = mode === "wal" ? await slotConfirmed(database, slot) : await captureTriggersInstalled(database.db);
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`cdc did not start capturing:\n${child.output()}`);
    await sleep(200);
  }
}

async function slotConfirmed(database: TestDatabase, slot: string): Promise<boolean> {
  const result = await sql<{ ready: boolean }>`
    select exists (select 1 from pg_replication_slots where slot_name = ${slot} and confirmed_flush_lsn is not null) as ready`.execute(database.db);
  return result.rows[0]?.ready ?? false;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
