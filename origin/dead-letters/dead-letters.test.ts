/**
 * Dead letters end to end on the embedded PostgreSQL log: a consumer parks an
 * event, the dead-letters service copies it into events.dead_letters, an admin
 * asks for a replay (the edge's requestReplay), the service republishes it and
 * the group handles it; another group that had handled it does not again.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeConfigSchema, parseConfig } from "../../shared/config.ts";
import { sampleData } from "../../shared/events/testing/samples.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { requestReplay } from "../../workers/admin/backbone.ts";
import { startConsumer, type RunningConsumer } from "../events/consumer.ts";
import { publishEvent, recordingLogger, waitFor } from "../events/consumer/testing.ts";
import { createEventLog, type EventBackbone } from "../events/event-log-factory.ts";
import type { RunningService } from "../service.ts";
import { deadLetterRow } from "./dead-letters.ts";
import { createDeadLettersService } from "./service.ts";

const started = sampleData["tunec.playback.playback-started.v1"];

describe.each(databaseKinds())("dead letters on %s", (kind) => {
  let database: TestDatabase;
  let backbone: EventBackbone;
  const running: Array<RunningConsumer | RunningService> = [];
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    backbone = createEventLog({ DATABASE_URL: database.url }, database.db, recordingLogger());
    await sql`create table public.handled (grp text not null, event_id text not null)`.execute(database.db);
  });
  afterAll(async () => {
    for (const item of running.reverse()) await item.stop();
    await backbone?.log.close();
    await database?.drop();
  });

  it("copies a parked event, replays it on request to its topic once, and the failing group handles it then", async () => {
    const topic = `test-${crypto.randomUUID().slice(0, 8)}.playback`;
    let failing = true;
    const consumer = (group: string, fail: () => boolean) =>
      startConsumer({
        log: backbone.log,
        db: database.db,
        group,
        topics: [topic],
        logger: recordingLogger(),
        retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
        lagIntervalMs: 0,
        handlers: {
          async "tunec.playback.playback-started.v1"(event, trx) {
            if (fail()) throw new Error("dependency down");
            await sql`insert into public.handled (grp, event_id) values (${group}, ${event.id})`.execute(trx);
          },
        },
      });
    running.push(await consumer("flaky", () => failing), await consumer("steady", () => false));
    const config = { ...parseConfig(nodeConfigSchema, { DATABASE_URL: database.url }), DATABASE_URL: database.url };
    running.push(await createDeadLettersService({ topics: [topic], replayIntervalMs: 20 }).start({ config, db: database.db, log: recordingLogger() }));

    const event = await publishEvent(backbone.log, topic, "tunec.playback.playback-started.v1", started);
    const handled = async () => (await sql<{ grp: string; event_id: string }>`select grp, event_id from public.handled order by grp`.execute(database.db)).rows;
    const letters = () => database.db.selectFrom("events.dead_letters").selectAll().where("original_topic", "=", topic).execute();
    await waitFor(async () => (await letters()).length === 1, "the dead letter copied");
    const [letter] = await letters();
    expect(letter).toMatchObject({
      dlq_topic: `${topic}.dlq`,
      consumer_group: "flaky",
      reason: "handler-failed",
      attempts: 2,
      event_id: event.id,
      event_type: "tunec.playback.playback-started.v1",
      original_partition: expect.any(Number),
      replay_requested_at: null,
      replayed_at: null,
    });
    expect(letter?.error_message).toContain("dependency down");
    expect(await handled()).toEqual([{ grp: "steady", event_id: event.id }]);

    failing = false;
    const admin = { userId: crypto.randomUUID(), roles: ["admin"] };
    await requestReplay(database.db, { id: String(letter?.id), actor: admin });
    await waitFor(async () => (await handled()).length === 2, "the replayed event handled by the group that gave up");
    expect(await handled()).toEqual([
      { grp: "flaky", event_id: event.id },
      { grp: "steady", event_id: event.id },
    ]);
    await waitFor(async () => (await letters())[0]?.replayed_at !== null, "replayed_at set");
    // Still one dead letter: the replay succeeded, and the copy is not repeated.
    expect(await letters()).toHaveLength(1);
    const audit = await database.db.selectFrom("audit.entries").selectAll().where("action", "=", "dead_letter.replay").execute();
    expect(audit).toEqual([expect.objectContaining({ actor_id: admin.userId, target_id: String(letter?.id) })]);
  });

  it("reads what it can from any dlq record, invalid JSON included", () => {
    const row = deadLetterRow({
      topic: "tunec.users.dlq",
      partition: 0,
      offset: "7",
      key: "k",
      value: "{not json",
      headers: { "dlq-reason": "invalid-json" },
      timestamp: new Date(),
    });
    expect(row).toMatchObject({
      original_topic: "tunec.users",
      dlq_offset: "7",
      reason: "invalid-json",
      event_id: null,
      event_type: null,
      attempts: null,
      failed_at: null,
    });
  });
});
