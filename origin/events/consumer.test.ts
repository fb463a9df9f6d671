/**
 * The consumer framework against real databases (PGlite and PostgreSQL) and
 * every EventLog in `logKinds`: duplicates, retries, poison events, invalid
 * payloads, unknown types, per-key order, trace ids, lag and drain.
 */
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildEvent } from "../../shared/events/build.ts";
import { sampleData } from "../../shared/events/testing/samples.ts";
import { childTraceparent, newTraceparent, parseTraceparent } from "../../shared/events/traceparent.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { type RunningConsumer, startConsumer, type EventHandlers } from "./consumer.ts";
import { collect, publishEvent, recordingLogger, waitFor } from "./consumer/testing.ts";
import { consumerLogKinds, type ConsumerLogKind } from "./consumer/log-kinds.ts";
import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { EventLog } from "./event-log.ts";
import { acquireKafkaBroker } from "./testing/kafka-broker.ts";

const started = sampleData["tunec.playback.playback-started.v1"];
const retry = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 };
const play = (userId: string, playId = crypto.randomUUID()) => ({ ...started, userId, playId });

// Kafka runs with one database (the real server when there is one): the broker is what it tests.
const broker = await acquireKafkaBroker();
const kafkaDatabase = databaseKinds().at(-1);
afterAll(async () => {
  await broker?.release();
});

describe.each(databaseKinds())("consumer framework on %s", (databaseKind) => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  beforeAll(async () => {
    database = await createTestDatabase(databaseKind);
    db = database.db;
    await sql`create table public.consumer_effects (grp text not null, event_id text not null, user_id text not null, seq serial)`.execute(db);
  });
  afterAll(async () => {
    await database?.drop();
  });

  describe.each(consumerLogKinds(databaseKind === kafkaDatabase ? (broker?.brokers ?? null) : null))("with the %s event log", (logKind: ConsumerLogKind) => {
    let log: EventLog;
    let topic: string;
    let group: string;
    const running: RunningConsumer[] = [];

    beforeAll(() => {
      log = logKind.create(db, database.url);
    });
    afterAll(async () => {
      await log?.close();
    });
    beforeEach(async () => {
      topic = `test-${crypto.randomUUID().slice(0, 8)}.playback`;
      group = `group-${crypto.randomUUID().slice(0, 8)}`;
      await log.ensureTopics([{ name: topic, partitions: 3 }]);
    });
    afterEach(async () => {
      await Promise.all(running.splice(0).map((consumer) => consumer.stop()));
    });

    async function start(handlers: EventHandlers, options: { logger?: ReturnType<typeof recordingLogger>; maxAttempts?: number } = {}) {
      const consumer = await startConsumer({
        log,
        db: db,
        group,
        topics: [topic],
        handlers,
        retry: { ...retry, maxAttempts: options.maxAttempts ?? retry.maxAttempts },
        logger: options.logger ?? recordingLogger(),
        lagIntervalMs: 0,
      });
      running.push(consumer);
      return consumer;
    }

    /** The effect every test handler writes: one row per handled event, in the handler's transaction. */
    const recordEffect: EventHandlers["tunec.playback.playback-started.v1"] = async (event, trx) => {
      await sql`insert into public.consumer_effects (grp, event_id, user_id) values (${group}, ${event.id}, ${event.data.userId})`.execute(trx);
    };

    async function effects(): Promise<{ event_id: string; user_id: string }[]> {
      const { rows } = await sql<{
        event_id: string;
        user_id: string;
      }>`select event_id, user_id from public.consumer_effects where grp = ${group} order by seq`.execute(db);
      return rows;
    }

    async function drained(consumer: RunningConsumer): Promise<boolean> {
      return (await consumer.lag()).total === 0;
    }

    it("applies an event delivered twice once", async () => {
      const consumer = await start({ "tunec.playback.playback-started.v1": recordEffect });
      const event = await publishEvent(log, topic, "tunec.playback.playback-started.v1", play(started.userId));
      await log.publish([{ topic, key: event.data.userId, value: JSON.stringify(event) }]);
      const next = await publishEvent(log, topic, "tunec.playback.playback-started.v1", play(started.userId));
      await waitFor(() => drained(consumer), "both copies consumed");
      expect((await effects()).map((row) => row.event_id)).toEqual([event.id, next.id]);
      const inbox = await db.selectFrom("events.inbox").select("event_id").where("consumer", "=", group).execute();
      expect(inbox.map((row) => row.event_id).sort()).toEqual([event.id, next.id].sort());
    });

    it("retries a failing handler and applies the event once when it succeeds", async () => {
      let calls = 0;
      const consumer = await start({
        async "tunec.playback.playback-started.v1"(event, trx, context) {
          calls++;
          await recordEffect(event, trx, context);
          // The effect above is rolled back with the failed attempt's transaction.
          if (context.attempt < 2) throw new Error("transient failure");
        },
      });
      const event = await publishEvent(log, topic, "tunec.playback.playback-started.v1", play(started.userId));
      await waitFor(() => drained(consumer), "event consumed");
      expect(calls).toBe(2);
      expect((await effects()).map((row) => row.event_id)).toEqual([event.id]);
    });

    it.each(["batch", "event"] as const)(
      "applies every event of a batch once when one of them fails at first (transactionScope %s)",
      async (transactionScope) => {
        const calls = new Map<string, number>();
        const userId = crypto.randomUUID();
        const events = [];
        // Published before the consumer starts, so they arrive as one batch of one partition.
        for (let index = 0; index < 6; index++) events.push(await publishEvent(log, topic, "tunec.playback.playback-started.v1", play(userId)));
        const flaky = events[3]?.id;
        const consumer = await startConsumer({
          log,
          db,
          group,
          topics: [topic],
          retry,
          logger: recordingLogger(),
          lagIntervalMs: 0,
          transactionScope,
          handlers: {
            async "tunec.playback.playback-started.v1"(event, trx, context) {
              calls.set(event.id, (calls.get(event.id) ?? 0) + 1);
              await recordEffect(event, trx, context);
              if (event.id === flaky && calls.get(event.id) === 1) throw new Error("first try fails");
            },
          },
        });
        running.push(consumer);
        await waitFor(() => drained(consumer), "the batch consumed");
        expect((await effects()).map((row) => row.event_id)).toEqual(events.map((event) => event.id));
        expect(calls.get(flaky ?? "")).toBe(2);
        expect(events.slice(4).map((event) => calls.get(event.id))).toEqual([1, 1]);
        // The events before it ran a second time only if they shared its rolled-back batch transaction.
        const before = events.slice(0, 3).map((event) => calls.get(event.id));
        if (transactionScope === "event") expect(before).toEqual([1, 1, 1]);
        else for (const count of before) expect([1, 2]).toContain(count);
      },
    );

    it("parks a poison event on <topic>.dlq with its error after N attempts and goes on with the same key", async () => {
      const logger = recordingLogger();
      let poisonCalls = 0;
      const consumer = await start(
        {
          async "tunec.playback.playback-started.v1"(event, trx, context) {
            if (event.data.deviceId === "poison") {
              poisonCalls++;
              throw new Error(`cannot handle play ${event.data.playId}`);
            }
            await recordEffect(event, trx, context);
          },
        },
        { logger, maxAttempts: 4 },
      );
      const poison = await publishEvent(log, topic, "tunec.playback.playback-started.v1", { ...play(started.userId), deviceId: "poison" });
      const after = await publishEvent(log, topic, "tunec.playback.playback-started.v1", play(started.userId));
      await waitFor(() => drained(consumer), "events consumed");
      expect(poisonCalls).toBe(4);
      expect((await effects()).map((row) => row.event_id)).toEqual([after.id]);

      const dlq = await collect(log, `${topic}.dlq`);
      await waitFor(() => dlq.records.length === 1, "the dead letter");
      await dlq.stop();
      const [dead] = dlq.records;
      expect(dead?.key).toBe(poison.data.userId);
      expect(JSON.parse(dead?.value ?? "null")).toEqual(JSON.parse(JSON.stringify(poison)));
      expect(dead?.headers).toMatchObject({
        "dlq-reason": "handler-failed",
        "dlq-error-message": `Error: cannot handle play ${poison.data.playId}`,
        "dlq-attempts": "4",
        "dlq-original-topic": topic,
        "dlq-consumer-group": group,
      });
      expect(dead?.headers["dlq-error-stack"]).toContain("consumer.test.ts");
      expect(Number(dead?.headers["dlq-original-offset"])).toBeGreaterThanOrEqual(0);
      expect(logger.lines.filter((line) => line.msg === "event handler failed; retrying")).toHaveLength(3);
      expect(logger.lines.find((line) => line.msg === "event dead-lettered")).toMatchObject({ eventId: poison.id, attempts: 4 });
    });

    it("dead-letters invalid payloads at once, without calling the handler", async () => {
      let calls = 0;
      const consumer = await start({
        async "tunec.playback.playback-started.v1"(event, trx, context) {
          calls++;
          await recordEffect(event, trx, context);
        },
      });
      const valid = await publishEvent(log, topic, "tunec.playback.playback-started.v1", play(started.userId));
      const badData = { ...JSON.parse(JSON.stringify(valid)), id: crypto.randomUUID(), data: { ...valid.data, quality: "lossless" } };
      await log.publish([
        { topic, key: started.userId, value: JSON.stringify(badData) },
        { topic, key: started.userId, value: "{not json" },
        { topic, key: started.userId, value: JSON.stringify({ hello: "world" }) },
      ]);
      const last = await publishEvent(log, topic, "tunec.playback.playback-started.v1", play(started.userId));
      await waitFor(() => drained(consumer), "events consumed");
      expect(calls).toBe(2);
      expect((await effects()).map((row) => row.event_id)).toEqual([valid.id, last.id]);
      const dlq = await collect(log, `${topic}.dlq`);
      await waitFor(() => dlq.records.length === 3, "three dead letters");
      await dlq.stop();
      const headers = dlq.records.map((record) => record.headers);
      expect(headers.map((h) => [h["dlq-reason"], h["dlq-attempts"]])).toEqual([
        ["invalid-event", "1"],
        ["invalid-json", "1"],
        ["invalid-event", "1"],
      ]);
      expect(headers[0]?.["dlq-error-message"]).toMatch(/quality/);
    });

    it("acknowledges and logs unknown event types, and skips types it has no handler for", async () => {
      const logger = recordingLogger();
      const consumer = await start({ "tunec.playback.playback-started.v1": recordEffect }, { logger });
      const { event: template } = buildEvent({ type: "tunec.playback.playback-started.v1", source: "/tunec/test", data: play(started.userId) });
      const unknownId = crypto.randomUUID();
      await log.publish([{ topic, key: started.userId, value: JSON.stringify({ ...template, id: unknownId, type: "tunec.playback.playback-paused.v2" }) }]);
      await publishEvent(log, topic, "tunec.playback.playback-finished.v1", { ...sampleData["tunec.playback.playback-finished.v1"], userId: started.userId });
      const last = await publishEvent(log, topic, "tunec.playback.playback-started.v1", play(started.userId));
      await waitFor(() => drained(consumer), "events consumed");
      expect((await effects()).map((row) => row.event_id)).toEqual([last.id]);
      expect(logger.lines.find((line) => line.msg === "unknown event type skipped")).toMatchObject({
        eventId: unknownId,
        eventType: "tunec.playback.playback-paused.v2",
      });
      expect(logger.lines.filter((line) => line.msg === "event dead-lettered")).toEqual([]);
      expect((await log.lag(`probe-${group}`, [`${topic}.dlq`]))[0]?.end).toBe("0");
    });

    it("keeps per-key order and puts the event's trace id in the handler's logger", async () => {
      const logger = recordingLogger();
      const seen: { traceId: unknown; expected: string | undefined; child: string }[] = [];
      const consumer = await start(
        {
          async "tunec.playback.playback-started.v1"(event, trx, context) {
            context.logger.info("handling play");
            const line = logger.lines.at(-1);
            seen.push({ traceId: line?.traceId, expected: parseTraceparent(event.traceparent)?.traceId, child: childTraceparent(context.traceparent) });
            await recordEffect(event, trx, context);
          },
        },
        { logger },
      );
      const users = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
      const published: Record<string, string[]> = {};
      for (let index = 0; index < 60; index++) {
        const userId = users[index % users.length] ?? started.userId;
        const event = await publishEvent(log, topic, "tunec.playback.playback-started.v1", play(userId), { traceparent: newTraceparent() });
        (published[userId] ??= []).push(event.id);
      }
      await waitFor(async () => (await effects()).length === 60, "60 events handled");
      const rows = await effects();
      for (const userId of users) expect(rows.filter((row) => row.user_id === userId).map((row) => row.event_id)).toEqual(published[userId]);
      expect(seen).toHaveLength(60);
      for (const entry of seen) {
        expect(entry.traceId).toBe(entry.expected);
        expect(parseTraceparent(entry.child)?.traceId).toBe(entry.expected);
      }
      await waitFor(() => drained(consumer), "lag back to 0");
    });

    it("on stop finishes the in-flight event and commits it", async () => {
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let entered = 0;
      const consumer = await start({
        async "tunec.playback.playback-started.v1"(event, trx, context) {
          entered++;
          await recordEffect(event, trx, context);
          await gate;
        },
      });
      const event = await publishEvent(log, topic, "tunec.playback.playback-started.v1", play(started.userId));
      await waitFor(() => entered === 1, "the handler to start");
      let stopped = false;
      const stopping = consumer.stop().then(() => {
        stopped = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(stopped).toBe(false);
      release();
      await stopping;
      expect(entered).toBe(1);
      expect((await effects()).map((row) => row.event_id)).toEqual([event.id]);
      expect((await consumer.lag()).total).toBe(0);
    });

    it("reports lag while an event waits for a retry, cuts the wait short on stop, and handles the event after a restart", async () => {
      let failing = true;
      const handlers: EventHandlers = {
        async "tunec.playback.playback-started.v1"(event, trx, context) {
          if (failing) throw new Error("dependency down");
          await recordEffect(event, trx, context);
        },
      };
      const logger = recordingLogger();
      const consumer = await startConsumer({
        log,
        db,
        group,
        topics: [topic],
        handlers,
        retry: { maxAttempts: 10, baseDelayMs: 60_000, maxDelayMs: 60_000 },
        logger,
        lagIntervalMs: 50,
      });
      const event = await publishEvent(log, topic, "tunec.playback.playback-started.v1", play(started.userId));
      await waitFor(() => logger.lines.some((line) => line.msg === "event handler failed; retrying"), "the first failure");
      const lag = await consumer.lag();
      expect(lag.group).toBe(group);
      expect(lag.total).toBe(1);
      expect(lag.partitions.filter((partition) => partition.lag > 0)).toEqual([expect.objectContaining({ topic, lag: 1 })]);
      await waitFor(() => logger.lines.some((line) => line.msg === "consumer lag" && line.lag === 1), "a periodic lag line");
      expect(logger.lines.find((line) => line.msg === "consumer lag")).toMatchObject({ group, partitions: [expect.objectContaining({ topic, lag: 1 })] });
      // What the admin console reads (GET /admin/consumers): the same measurement, stored.
      const stored = () => db.selectFrom("events.consumer_lag").selectAll().where("group_id", "=", group).where("topic", "=", topic).execute();
      await waitFor(async () => (await stored()).some((row) => Number(row.lag) === 1), "a stored lag snapshot");
      const snapshot = await stored();
      expect(snapshot).toHaveLength(3);
      expect(snapshot.find((row) => Number(row.lag) === 1)).toMatchObject({ committed_offset: "0", end_offset: "1" });
      const before = performance.now();
      await consumer.stop();
      expect(performance.now() - before).toBeLessThan(10_000);
      expect(await effects()).toEqual([]);
      expect((await consumer.lag()).total).toBe(1);
      failing = false;
      const restarted = await start(handlers);
      await waitFor(() => drained(restarted), "event handled after restart");
      expect((await effects()).map((row) => row.event_id)).toEqual([event.id]);
    });

    it("passes a run of events to a batch handler in one call, without duplicates, and redoes a failed run one event at a time", async () => {
      const calls: string[][] = [];
      let failOnce = true;
      const consumer = await startConsumer({
        log,
        db,
        group,
        topics: [topic],
        handlers: {},
        batchHandlers: {
          async "tunec.playback.playback-started.v1"(events, trx, context) {
            calls.push(events.map((event) => event.id));
            expect(context.records.map((record) => JSON.parse(record.value).id)).toEqual(events.map((event) => event.id));
            const ids = events.map((event) => event.id);
            const users = events.map((event) => event.data.userId);
            // One statement for the whole run: the point of a batch handler.
            await sql`insert into public.consumer_effects (grp, event_id, user_id) select ${group}, * from unnest(${ids}::text[], ${users}::text[])`.execute(
              trx,
            );
            if (failOnce && events.length > 1) {
              failOnce = false;
              throw new Error("fails the first run");
            }
          },
        },
        retry,
        logger: recordingLogger(),
        lagIntervalMs: 0,
      });
      running.push(consumer);
      const userId = crypto.randomUUID();
      const built = Array.from({ length: 5 }, () => buildEvent({ type: "tunec.playback.playback-started.v1", data: play(userId), source: "/tunec/test" }));
      const first = built[0];
      if (!first) throw new Error("no event built");
      // One publish: the records arrive together; the first one twice.
      await log.publish([first, ...built].map(({ event, key }) => ({ topic, key, value: JSON.stringify(event) })));
      await waitFor(() => drained(consumer), "the run consumed");
      const ids = built.map(({ event }) => event.id);
      // Applied once each, in order, although the first run rolled back.
      expect((await effects()).map((row) => row.event_id)).toEqual(ids);
      expect(calls.some((call) => call.length > 1)).toBe(true);
      expect(calls.flat().filter((id) => id === first.event.id).length).toBeLessThanOrEqual(2);
      expect(calls.every((call) => new Set(call).size === call.length)).toBe(true);
    });

    it("refuses a type in both handlers and batchHandlers", async () => {
      await expect(
        startConsumer({
          log,
          db,
          group,
          topics: [topic],
          handlers: { "tunec.playback.playback-started.v1": recordEffect },
          batchHandlers: { "tunec.playback.playback-started.v1": async () => undefined },
          retry,
          logger: recordingLogger(),
        }),
      ).rejects.toThrow(/both handlers and batchHandlers/);
    });
  });
});
