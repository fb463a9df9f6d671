import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeOutbox } from "../../shared/events/outbox.ts";
import { trackDeletedV1, trackUpdatedV1 } from "../../shared/events/track-events.ts";
import { userUpdatedV1 } from "../../shared/events/user-events.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase, type TestDatabase } from "../../shared/testing/test-database.ts";
import { startCdc, type RunningCdc } from "./cdc.ts";
import { captureTriggersInstalled } from "./trigger/capture-triggers.ts";
import { dropTestSlot, insertArtist, insertTrack, readTopics, testSlotName, type TopicReader } from "./testing/cdc-fixture.ts";
import { cdcMatrix } from "./testing/cdc-matrix.ts";

const matrix = await cdcMatrix();
const logger = createLogger({ test: "cdc" }, (process.env.CDC_TEST_LOG_LEVEL ?? "warn") as "warn");
const trackTopic = trackUpdatedV1.topic;

afterAll(async () => {
  await matrix.release();
});

describe.each(matrix.cases)("CDC in $mode mode on $database with the $logKind log", ({ database: kind, mode, logKind }) => {
  let database: TestDatabase;
  let backbone: Awaited<ReturnType<typeof matrix.backbone>>;
  let cdc: RunningCdc | null;
  let slot: string;
  let readers: TopicReader[];

  const start = async () =>
    startCdc({
      db: database.db,
      connectionString: database.url,
      mode,
      slot,
      log: backbone.log,
      sink: backbone.sink,
      logger,
      outboxRetentionMinutes: 60,
      relayIdleDelayMs: 20,
    });
  const read = async (keep: Parameters<typeof readTopics>[2], topics = [trackTopic]) => {
    const reader = await readTopics(backbone.log, topics, keep);
    readers.push(reader);
    return reader;
  };
  /**
   * Runs SQL as an admin in psql would: its own connection, no application
   * code, and psql's simple query protocol (values inlined as literals).
   */
  const psql = async (template: string, values: string[] = [], timeZone?: string) => {
    const client = new pg.Client({ connectionString: database.url, ...(timeZone ? { options: `-c TimeZone=${timeZone}` } : {}) });
    await client.connect();
    try {
      const text = template.replace(/\$(\d+)/g, (_, index: string) => client.escapeLiteral(values[Number(index) - 1] ?? ""));
      return await client.query(text);
    } finally {
      await client.end();
    }
  };

  beforeEach(async () => {
    database = await createTestDatabase(kind);
    backbone = await matrix.backbone(logKind, database);
    slot = testSlotName();
    readers = [];
    cdc = await start();
  });
  afterEach(async () => {
    await Promise.allSettled(readers.map((reader) => reader.stop()));
    await cdc?.stop();
    await backbone.close();
    if (mode === "wal") await dropTestSlot(database.db, slot);
    await database.drop();
  });

  it("runs in the expected mode, with capture triggers only in trigger mode", async () => {
    expect(cdc?.mode).toBe(mode);
    expect(await captureTriggersInstalled(database.db)).toBe(mode === "trigger");
  });

  it("publishes an outbox row's stored event to its topic with its key and traceparent", async () => {
    const userId = crypto.randomUUID();
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const reader = await read((event) => event.subject === userId, [userUpdatedV1.topic]);
    const written = await database.db.transaction().execute((trx) =>
      writeOutbox(trx, {
        type: userUpdatedV1.type,
        source: "/tunec/users",
        traceparent,
        data: {
          userId,
          changed: ["isPremium"],
          displayName: "Лиза",
          avatarUrl: null,
          locale: "ru",
          isPremium: true,
          premiumUntil: "2027-01-01T00:00:00Z",
          updatedAt: new Date().toISOString(),
        },
      }),
    );
    const [got] = await reader.waitFor("the outbox event", (seen) => seen.length > 0);
    expect(got?.record.key).toBe(userId);
    expect(got?.record.headers.traceparent).toBe(traceparent);
    expect(got?.event).toEqual(written);
  });

  it("turns a hand-written UPDATE into TrackUpdated with before and after", async () => {
    const artistId = await insertArtist(database.db);
    const trackId = await insertTrack(database.db, artistId, "Искала");
    const reader = await read((event) => event.subject === trackId);
    await psql("update catalog.tracks set title = $1, explicit = true where id = $2", ["Искала (live)", trackId]);
    const events = await reader.waitFor("insert and update", (seen) => seen.some((e) => (e.event.data as { op: string }).op === "u"));
    const update = events.find((e) => (e.event.data as { op: string }).op === "u");
    expect(update?.record.key).toBe(trackId);
    expect(update?.event).toMatchObject({ type: trackUpdatedV1.type, source: "/tunec/cdc", subject: trackId });
    const data = trackUpdatedV1.schema.parse(update?.event.data);
    expect(data.before).toMatchObject({ id: trackId, title: "Искала", explicit: false, genres: ["rock", "pop"] });
    expect(data.after).toMatchObject({ id: trackId, title: "Искала (live)", explicit: true, artist_id: artistId });
    expect(data.after.updated_at).toMatch(/\+00:00$/);
    expect(data.source.table).toBe("catalog.tracks");
    // Both modes render the row as to_jsonb does in UTC, so consumers see one shape.
    const rendered = await psql("select to_jsonb(t) as row from catalog.tracks t where id = $1", [trackId], "UTC");
    expect(data.after).toEqual(rendered.rows[0]?.row);
    const insert = events.find((e) => (e.event.data as { op: string }).op === "c");
    expect(trackUpdatedV1.schema.parse(insert?.event.data)).toMatchObject({ op: "c", before: null, after: { title: "Искала" } });
  });

  it("turns a hand-written DELETE into TrackDeleted carrying the last state", async () => {
    const artistId = await insertArtist(database.db);
    const trackId = await insertTrack(database.db, artistId, "Ариведерчи");
    const reader = await read((event) => event.subject === trackId);
    await psql("delete from catalog.tracks where id = $1", [trackId]);
    const events = await reader.waitFor("the delete", (seen) => seen.some((e) => e.event.type === trackDeletedV1.type));
    const deleted = events.find((e) => e.event.type === trackDeletedV1.type);
    expect(deleted?.record.key).toBe(trackId);
    expect(trackDeletedV1.schema.parse(deleted?.event.data)).toMatchObject({ op: "d", after: null, before: { id: trackId, title: "Ариведерчи" } });
  });

  it("after a stop, catches up on every change made while it was down, from where it stopped", async () => {
    const artistId = await insertArtist(database.db);
    const first = await insertTrack(database.db, artistId, "before the stop");
    // Only this test's tracks: on a shared broker other suites' CDC events (crash
    // tests replay ids on purpose) land on the same topic.
    const whileDown: string[] = [];
    const reader = await read((event) => event.source === "/tunec/cdc" && (event.subject === first || whileDown.includes(event.subject ?? "")));
    await reader.waitFor("the first track", (seen) => seen.some((e) => e.event.subject === first));
    await cdc?.stop();
    cdc = null;
    for (let index = 0; index < 20; index++) whileDown.push(await insertTrack(database.db, artistId, `while down ${index}`));
    await psql("update catalog.tracks set title = 'renamed while down' where id = $1", [first]);
    cdc = await start();
    const events = await reader.waitFor(
      "the changes made while down",
      (seen) =>
        whileDown.every((id) => seen.some((e) => e.event.subject === id)) &&
        seen.some((e) => e.event.subject === first && (e.event.data as { op: string }).op === "u"),
    );
    // Each change once: the restart resumed after the confirmed position, not from the start.
    const ids = events.map((e) => e.event.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(events.filter((e) => e.event.subject === first).map((e) => (e.event.data as { op: string }).op)).toEqual(["c", "u"]);
  });
});
