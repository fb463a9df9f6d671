import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "../../shared/db/postgres.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { describeEventLogContract } from "./event-log.contract.ts";
import { deferred, sleep, unique, waitFor } from "./event-log.contract-support.ts";
import type { LogRecord } from "./event-log.ts";
import { pruneLog } from "./postgres-event-log-retention.ts";
import { createPostgresEventLog, type PostgresEventLogOptions } from "./postgres-event-log.ts";

const quiet = createLogger({ component: "postgres-event-log-test" }, "error");

describe.each(databaseKinds())("PostgreSQL EventLog on %s", (kind) => {
  describeEventLogContract(`postgres (${kind})`, async () => {
    const database = await createTestDatabase(kind);
    const log = createPostgresEventLog({ db: database.db, url: database.url, logger: quiet, pollIntervalMs: 50, redeliveryDelayMs: 200 });
    return {
      log,
      async cleanup() {
        await log.close();
        await database.drop();
      },
    };
  });

  describe(`adapter specifics (${kind})`, () => {
    let database: TestDatabase;
    const closers: Array<() => Promise<void>> = [];
    const open = (options: Partial<PostgresEventLogOptions> = {}) => {
      const log = createPostgresEventLog({ db: database.db, url: database.url, logger: quiet, pollIntervalMs: 50, ...options });
      closers.push(() => log.close());
      return log;
    };
    beforeAll(async () => {
      database = await createTestDatabase(kind);
    });
    afterAll(async () => {
      for (const close of closers.reverse()) await close();
      await database.drop();
    });

    it("gives a crashed member's partitions to another member once its leases expire", async () => {
      const topic = unique("crash");
      const group = unique("group");
      const survivor = open({ leaseTtlMs: 1_500, heartbeatIntervalMs: 300 });
      await survivor.ensureTopics([{ name: topic, partitions: 2 }]);
      await survivor.publish(Array.from({ length: 10 }, (_, index) => ({ topic, key: `k${index}`, value: String(index) })));
      const doomedDb = createPostgresDatabase(database.url, { maxConnections: 2 });
      const doomed = createPostgresEventLog({ db: doomedDb, logger: quiet, pollIntervalMs: 50, leaseTtlMs: 1_500, heartbeatIntervalMs: 300 });
      const hang = deferred();
      const entered = deferred();
      await doomed.consume({
        group,
        topics: [topic],
        handle: async () => {
          entered.resolve();
          await hang.promise;
        },
      });
      await entered.promise;
      // A crash: the process stops talking to the database mid-batch, without leaving the group.
      await doomedDb.destroy();
      const crashedAt = Date.now();
      const seen: Array<{ record: LogRecord; at: number }> = [];
      await survivor.consume({ group, topics: [topic], handle: async (batch) => void seen.push(...batch.map((record) => ({ record, at: Date.now() }))) });
      await waitFor("all 10 records at the survivor", () => seen.length >= 10, 20_000);
      expect(seen.map((entry) => Number(entry.record.value)).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      // The batch the dead member held was not touched before its lease ran out.
      expect(Math.min(...seen.map((entry) => entry.at)) - crashedAt).toBeGreaterThanOrEqual(1_000);
      hang.resolve();
      await doomed.close();
    }, 60_000);

    it("a member that stops leaves the group at once: the next member takes over without waiting for its leases", async () => {
      const topic = unique("leave");
      const group = unique("group");
      // A lease TTL far longer than the test: only a real leave lets the next member in.
      const first = open({ leaseTtlMs: 60_000, heartbeatIntervalMs: 1_000 });
      await first.ensureTopics([{ name: topic, partitions: 2 }]);
      await first.publish([{ topic, key: "a", value: "1" }]);
      const got = deferred();
      const consumer = await first.consume({ group, topics: [topic], handle: async () => got.resolve() });
      await got.promise;
      await consumer.stop();
      const leases = await sql<{ n: string }>`select count(*)::text as n from events.log_leases where group_id = ${group}`.execute(database.db);
      expect(leases.rows[0]?.n).toBe("0");

      await first.publish([{ topic, key: "b", value: "2" }]);
      const second = open({ leaseTtlMs: 60_000, heartbeatIntervalMs: 1_000 });
      const seen: string[] = [];
      await second.consume({ group, topics: [topic], handle: async (batch) => void seen.push(...batch.map((r) => r.value)) });
      await waitFor("the second member's record", () => seen.includes("2"), 10_000);
      expect(seen).toEqual(["2"]);
    });

    it("gives a member that joined without a word its share within a heartbeat period (no NOTIFY between processes on PGlite)", async () => {
      const topic = unique("silent-join");
      const group = unique("group");
      const log = open({ leaseTtlMs: 3_000, heartbeatIntervalMs: 300 });
      await log.ensureTopics([{ name: topic, partitions: 2 }]);
      await log.consume({ group, topics: [topic], handle: async () => undefined });
      const held = async () => {
        const rows = await sql<{ member_id: string }>`select member_id from events.log_leases where group_id = ${group}`.execute(database.db);
        return rows.rows.filter((row) => row.member_id !== "~other").length;
      };
      await waitFor("both partitions held", async () => (await held()) === 2, 10_000);
      // Idle and settled, the member no longer rebalances every period: only its heartbeat's view of the group can tell it.
      await sleep(1_000);
      await sql`insert into events.log_members (group_id, member_id, topics, expires_at)
        values (${group}, '~other', ${[topic]}::text[], now() + interval '1 hour')`.execute(database.db);
      await waitFor("one partition released for the newcomer", async () => (await held()) === 1, 5_000);
    }, 60_000);

    it("assigns gap-free offsets under concurrent publishers, whatever rolls back", async () => {
      const topic = unique("gapless");
      const log = open();
      await log.ensureTopics([{ name: topic, partitions: 3 }]);
      const keys = Array.from({ length: 30 }, (_, index) => `key-${index}`);
      const publishers = Array.from({ length: 12 }, (_, publisher) =>
        log.publish(
          Array.from({ length: 50 }, (_, index) => ({
            topic,
            key: keys[(publisher * 7 + index * (publisher % 2 ? 1 : -1) + 300) % 30] ?? "k",
            value: `${publisher}-${index}`,
          })),
        ),
      );
      const doomed = Array.from({ length: 4 }, () =>
        database.db
          .transaction()
          .execute(async (trx) => {
            await log.append(
              trx,
              keys.map((key) => ({ topic, key, value: "rolled back" })),
            );
            throw new Error("roll back");
          })
          .catch((error: unknown) => error),
      );
      await Promise.all([...publishers, ...doomed]);
      // In a transaction: on PGlite that keeps this query's Parse/Bind together (see postgres-event-log-session.ts).
      const rows = await database.db.transaction().execute((trx) =>
        sql<{ partition: number; offsets: string[] }>`
        select partition, array_agg(record_offset::text order by record_offset) as offsets
        from events.log_records where topic = ${topic} group by partition order by partition`.execute(trx),
      );
      expect(rows.rows.reduce((sum, row) => sum + row.offsets.length, 0)).toBe(600);
      for (const row of rows.rows) expect(row.offsets).toEqual(row.offsets.map((_, index) => String(index)));
      const lag = await log.lag(unique("group"), [topic]);
      expect(lag.map((entry) => Number(entry.end))).toEqual(rows.rows.map((row) => row.offsets.length));
    }, 60_000);

    it("appends inside the caller's transaction: visible only once it commits", async () => {
      const topic = unique("trx");
      const log = open();
      await log.ensureTopics([{ name: topic, partitions: 1 }]);
      const end = async () => (await log.lag(unique("group"), [topic]))[0]?.end;
      await database.db.transaction().execute(async (trx) => {
        const positions = await log.append(trx, [
          { topic, key: "a", value: "1" },
          { topic, key: "a", value: "2" },
        ]);
        expect(positions).toEqual([
          { topic, partition: 0, offset: "0" },
          { topic, partition: 0, offset: "1" },
        ]);
        // PGlite serves one session: another connection would wait for this transaction.
        if (kind === "postgres") expect(await end()).toBe("0");
      });
      expect(await end()).toBe("2");
      await expect(log.publish([{ topic: unique("missing"), key: "k", value: "v" }])).rejects.toThrow(/does not exist/);
    }, 60_000);

    it("prunes records past the retention by offset range; a new group starts at the first retained offset", async () => {
      const topic = unique("retention");
      const log = open();
      await log.ensureTopics([{ name: topic, partitions: 1 }]);
      await log.publish(Array.from({ length: 5 }, (_, index) => ({ topic, key: "k", value: String(index) })));
      const age = (below: number) =>
        database.db
          .transaction()
          .execute((trx) =>
            sql`update events.log_records set created_at = now() - interval '2 days' where topic = ${topic} and record_offset < ${below}`.execute(trx),
          );
      const prune = () => database.db.transaction().execute((trx) => pruneLog(trx, 24 * 3_600_000));
      await age(3);
      expect(await prune()).toBe(3);
      expect(await log.lag(unique("group"), [topic])).toEqual([{ topic, partition: 0, committed: "3", end: "5", lag: 2 }]);
      const seen: LogRecord[] = [];
      const consumer = await log.consume({ group: unique("group"), topics: [topic], handle: async (batch) => void seen.push(...batch) });
      await waitFor("the retained records", () => seen.length >= 2);
      await consumer.stop();
      expect(seen.map((record) => [record.offset, record.value])).toEqual([
        ["3", "3"],
        ["4", "4"],
      ]);
      await age(5);
      expect(await prune()).toBe(2);
      expect(await log.lag(unique("group"), [topic])).toEqual([{ topic, partition: 0, committed: "5", end: "5", lag: 0 }]);
      await log.publish([{ topic, key: "k", value: "5" }]);
      expect(await log.lag(unique("group"), [topic])).toEqual([{ topic, partition: 0, committed: "5", end: "6", lag: 1 }]);
    }, 60_000);

    it("wakes a consumer at once on a publish in the same process, without waiting for a poll", async () => {
      const topic = unique("wake");
      const log = open({ pollIntervalMs: 30_000, heartbeatIntervalMs: 20_000, leaseTtlMs: 60_000 });
      await log.ensureTopics([{ name: topic, partitions: 1 }]);
      const seen: number[] = [];
      await log.consume({ group: unique("group"), topics: [topic], handle: async () => void seen.push(Date.now()) });
      await sleep(500);
      const sent = Date.now();
      await log.publish([{ topic, key: "k", value: "v" }]);
      await waitFor("the record", () => seen.length > 0, 10_000);
      expect((seen[0] ?? Number.POSITIVE_INFINITY) - sent).toBeLessThan(2_000);
    }, 60_000);

    if (kind === "postgres") {
      it("wakes a consumer through LISTEN/NOTIFY on a publish from another process", async () => {
        const topic = unique("notify");
        const consumerSide = open({ pollIntervalMs: 30_000, heartbeatIntervalMs: 20_000, leaseTtlMs: 60_000 });
        const publisherDb = createPostgresDatabase(database.url, { maxConnections: 1 });
        const publisherSide = createPostgresEventLog({ db: publisherDb, logger: quiet });
        closers.push(async () => {
          await publisherSide.close();
          await publisherDb.destroy();
        });
        await publisherSide.ensureTopics([{ name: topic, partitions: 1 }]);
        const seen: number[] = [];
        await consumerSide.consume({ group: unique("group"), topics: [topic], handle: async () => void seen.push(Date.now()) });
        await sleep(1_000);
        const sent = Date.now();
        await publisherSide.publish([{ topic, key: "k", value: "v" }]);
        await waitFor("the record", () => seen.length > 0, 15_000);
        expect((seen[0] ?? Number.POSITIVE_INFINITY) - sent).toBeLessThan(2_000);
      }, 60_000);
    }
  });
});
