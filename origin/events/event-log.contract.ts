/**
 * The one contract suite every EventLog adapter passes (the port's semantics in
 * event-log.ts, as tests). An adapter's test file calls it with a factory:
 *
 * @example describeEventLogContract("kafka", async () => ({ log, cleanup: () => log.close() }))
 *
 * Topic and group names carry a random suffix, so the suite can share one
 * broker (or database) with other runs. Waits are polled with bounded
 * deadlines: a slow adapter passes, a stuck one fails with the reason.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ConsumeOptions, Consumer, EventLog, LogRecord, LogRecordInput, PartitionLag } from "./event-log.ts";
import { partitionFor } from "./partitioner.ts";
import { deferred, keyFor, positionOf, sleep, unique, waitFor } from "./event-log.contract-support.ts";

export interface EventLogFixture {
  log: EventLog;
  cleanup(): Promise<void>;
}

const testTimeout = 120_000;

export function describeEventLogContract(adapterName: string, setup: () => Promise<EventLogFixture>): void {
  describe(`EventLog contract: ${adapterName}`, () => {
    let fixture: EventLogFixture | undefined;
    const running: Consumer[] = [];
    const log = (): EventLog => {
      if (!fixture) throw new Error("EventLog fixture is not set up");
      return fixture.log;
    };
    const consume = async (options: ConsumeOptions): Promise<Consumer> => {
      const consumer = await log().consume(options);
      running.push(consumer);
      return consumer;
    };
    const lagOf = async (group: string, topics: string[]): Promise<PartitionLag[]> =>
      (await log().lag(group, topics)).sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    const totalLag = async (group: string, topics: string[]): Promise<number> => (await lagOf(group, topics)).reduce((sum, entry) => sum + entry.lag, 0);

    beforeAll(async () => {
      fixture = await setup();
    }, testTimeout);
    afterEach(async () => {
      await Promise.allSettled(running.splice(0).map((consumer) => consumer.stop()));
    }, testTimeout);
    afterAll(async () => {
      await fixture?.cleanup();
    }, testTimeout);

    it(
      "ensureTopics creates missing topics and leaves existing ones alone, concurrently too",
      async () => {
        const a = unique("topic-a");
        const b = unique("topic-b");
        await Promise.all([log().ensureTopics([{ name: a, partitions: 3 }]), log().ensureTopics([{ name: a, partitions: 3 }])]);
        await log().ensureTopics([{ name: a, partitions: 3 }]);
        await log().ensureTopics([
          { name: a, partitions: 5 },
          { name: b, partitions: 2 },
        ]);
        const lag = await lagOf(unique("group"), [a, b]);
        expect(lag.map((entry) => [entry.topic, entry.partition])).toEqual([
          [a, 0],
          [a, 1],
          [a, 2],
          [b, 0],
          [b, 1],
        ]);
        await log().publish([{ topic: a, key: keyFor(2, 3), value: "v" }]);
        expect((await lagOf(unique("group"), [a])).map((entry) => entry.end)).toEqual(["0", "0", "1"]);
      },
      testTimeout,
    );

    it(
      "round-trips key, value, headers and a broker timestamp",
      async () => {
        const topic = unique("roundtrip");
        await log().ensureTopics([{ name: topic, partitions: 2 }]);
        await log().publish([]);
        const before = Date.now();
        const inputs: LogRecordInput[] = [
          { topic, key: "track-1", value: JSON.stringify({ n: 1 }), headers: { traceparent: "00-abc-def-01", "ce-type": "тип ✓" } },
          { topic, key: "track-1", value: "второй 🎵" },
          { topic, key: "user-9", value: "", headers: {} },
        ];
        await log().publish(inputs);
        const after = Date.now();
        const seen: LogRecord[] = [];
        await consume({ group: unique("group"), topics: [topic], handle: async (batch) => void seen.push(...batch) });
        await waitFor("3 records", () => seen.length >= 3);
        const byValue = new Map(seen.map((record) => [record.value, record]));
        for (const input of inputs) {
          const record = byValue.get(input.value);
          expect(record).toMatchObject({ topic, key: input.key, value: input.value, headers: input.headers ?? {} });
          expect(record?.partition).toBe(partitionFor(input.key, 2));
          expect(record?.offset).toMatch(/^\d+$/);
          expect(record?.timestamp).toBeInstanceOf(Date);
          expect(record?.timestamp.getTime()).toBeGreaterThanOrEqual(before - 2_000);
          expect(record?.timestamp.getTime()).toBeLessThanOrEqual(after + 2_000);
        }
      },
      testTimeout,
    );

    it(
      "keeps per-key order across many keys and partitions; one key, one partition = partitionFor(key)",
      async () => {
        const topic = unique("order");
        const partitions = 4;
        await log().ensureTopics([{ name: topic, partitions }]);
        const keys = Array.from({ length: 40 }, (_, index) => `key-${index}-${unique("")}`);
        const perKey = 25;
        for (let round = 0; round < 5; round++) {
          const batch: LogRecordInput[] = [];
          for (let step = 0; step < perKey / 5; step++) {
            for (const key of keys) batch.push({ topic, key, value: String(round * (perKey / 5) + step) });
          }
          await log().publish(batch);
        }
        const unique_ = new Map<string, LogRecord>();
        const problems: string[] = [];
        await consume({
          group: unique("group"),
          topics: [topic],
          maxBatchSize: 50,
          handle: async (batch) => {
            if (new Set(batch.map((record) => record.partition)).size !== 1) problems.push("batch spans partitions");
            for (let i = 1; i < batch.length; i++) {
              if (BigInt(batch[i]?.offset ?? 0) <= BigInt(batch[i - 1]?.offset ?? 0)) problems.push("batch not in offset order");
            }
            for (const record of batch) unique_.set(positionOf(record), record);
          },
        });
        await waitFor("1,000 records", () => unique_.size >= keys.length * perKey);
        expect(problems).toEqual([]);
        const sequences = new Map<string, number[]>();
        const ordered = [...unique_.values()].sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
        for (const record of ordered) {
          expect(record.partition).toBe(partitionFor(record.key, partitions));
          sequences.set(record.key, [...(sequences.get(record.key) ?? []), Number(record.value)]);
        }
        for (const key of keys) expect(sequences.get(key)).toEqual(Array.from({ length: perKey }, (_, index) => index));
        expect(new Set(ordered.map((record) => record.partition)).size).toBe(partitions);
      },
      testTimeout,
    );

    it(
      "resumes a group from its committed offset after a stop and a new consumer: nothing lost, nothing redelivered",
      async () => {
        const topic = unique("resume");
        const group = unique("group");
        await log().ensureTopics([{ name: topic, partitions: 3 }]);
        const wave = (from: number, count: number): LogRecordInput[] =>
          Array.from({ length: count }, (_, index) => ({ topic, key: `k${(from + index) % 7}`, value: String(from + index) }));
        await log().publish(wave(0, 30));
        const first: LogRecord[] = [];
        const enough = deferred();
        const a = await consume({
          group,
          topics: [topic],
          maxBatchSize: 4,
          handle: async (batch) => {
            first.push(...batch);
            if (first.length >= 10) enough.resolve();
            await sleep(20);
          },
        });
        await enough.promise;
        await a.stop();
        const handledByA = first.length;
        const committed = new Map((await lagOf(group, [topic])).map((entry) => [entry.partition, BigInt(entry.committed)]));
        for (const [partition, position] of committed) {
          const mine = first.filter((record) => record.partition === partition).map((record) => BigInt(record.offset));
          expect(position).toBe(mine.length === 0 ? 0n : mine.reduce((x, y) => (y > x ? y : x)) + 1n);
        }
        await sleep(300);
        expect(first.length).toBe(handledByA);
        await log().publish(wave(30, 20));
        const second: LogRecord[] = [];
        await consume({ group, topics: [topic], handle: async (batch) => void second.push(...batch) });
        await waitFor("the rest of 50 records", () => first.length + second.length >= 50);
        await sleep(300);
        const firstPositions = new Set(first.map(positionOf));
        expect(second.filter((record) => firstPositions.has(positionOf(record)))).toEqual([]);
        for (const record of second) expect(BigInt(record.offset)).toBeGreaterThanOrEqual(committed.get(record.partition) ?? 0n);
        expect([...first, ...second].map((record) => Number(record.value)).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, index) => index));
      },
      testTimeout,
    );

    it(
      "publishes one call larger than a broker's message size limit to one partition, and delivers it whole and in order",
      async () => {
        const topic = unique("large");
        const group = unique("group");
        await log().ensureTopics([{ name: topic, partitions: 1 }]);
        // 3,000 records of 1 KiB with one key: about 3 MiB for one partition (Kafka refuses a batch over 1 MiB).
        const padding = "ж".repeat(500);
        await log().publish(Array.from({ length: 3_000 }, (_, index) => ({ topic, key: "same", value: `${index}:${padding}` })));
        const seen: number[] = [];
        await consume({
          group,
          topics: [topic],
          handle: async (batch) => {
            for (const record of batch) seen.push(Number(record.value.slice(0, record.value.indexOf(":"))));
          },
        });
        await waitFor("all 3,000 delivered", () => seen.length >= 3_000);
        expect(seen).toEqual(Array.from({ length: 3_000 }, (_, index) => index));
      },
      testTimeout,
    );

    it(
      "redelivers a rejected batch without advancing the group's offset",
      async () => {
        const topic = unique("reject");
        const group = unique("group");
        await log().ensureTopics([{ name: topic, partitions: 1 }]);
        await log().publish(Array.from({ length: 5 }, (_, index) => ({ topic, key: "same", value: String(index) })));
        const attempts: LogRecord[][] = [];
        const delivered: LogRecord[] = [];
        const rejected = deferred();
        await consume({
          group,
          topics: [topic],
          handle: async (batch) => {
            attempts.push(batch);
            if (attempts.length <= 2) {
              rejected.resolve();
              throw new Error(`contract: rejection ${attempts.length}`);
            }
            delivered.push(...batch);
          },
        });
        await rejected.promise;
        expect((await lagOf(group, [topic]))[0]).toMatchObject({ committed: "0", end: "5", lag: 5 });
        await waitFor("all 5 delivered after two rejections", () => delivered.length >= 5);
        expect(attempts[1]?.[0]?.offset).toBe(attempts[0]?.[0]?.offset);
        expect(attempts[2]?.[0]?.offset).toBe(attempts[0]?.[0]?.offset);
        expect(delivered.map((record) => record.value)).toEqual(["0", "1", "2", "3", "4"]);
        await waitFor("offset committed", async () => (await totalLag(group, [topic])) === 0);
      },
      testTimeout,
    );

    it(
      "keeps two groups independent",
      async () => {
        const topic = unique("groups");
        await log().ensureTopics([{ name: topic, partitions: 2 }]);
        await log().publish(Array.from({ length: 10 }, (_, index) => ({ topic, key: `k${index}`, value: String(index) })));
        const [groupA, groupB] = [unique("group-a"), unique("group-b")];
        const seenA = new Set<string>();
        const a = await consume({ group: groupA, topics: [topic], handle: async (batch) => void batch.forEach((r) => seenA.add(r.value)) });
        await waitFor("group A sees 10", () => seenA.size >= 10);
        await waitFor("group A commits", async () => (await totalLag(groupA, [topic])) === 0);
        await a.stop();
        expect(await totalLag(groupB, [topic])).toBe(10);
        const seenB = new Set<string>();
        await consume({ group: groupB, topics: [topic], handle: async (batch) => void batch.forEach((r) => seenB.add(r.value)) });
        await waitFor("group B sees 10", () => seenB.size >= 10);
        expect(await totalLag(groupA, [topic])).toBe(0);
      },
      testTimeout,
    );

    it(
      'starts a new group at the end with from: "latest", and resumes it from its commits afterwards',
      async () => {
        const topic = unique("latest");
        const group = unique("group");
        await log().ensureTopics([{ name: topic, partitions: 1 }]);
        await log().publish(Array.from({ length: 5 }, (_, index) => ({ topic, key: "k", value: `old-${index}` })));
        const seen: string[] = [];
        const consumer = await consume({ group, topics: [topic], from: "latest", handle: async (batch) => void seen.push(...batch.map((r) => r.value)) });
        // The starting position is fixed some time after consume() resolves (Kafka:
        // on assignment), so keep publishing until the consumer sees a new record.
        let sent = 0;
        await waitFor(
          "a new record after subscribing",
          async () => {
            if (seen.length > 0) return true;
            await log().publish([{ topic, key: "k", value: `new-${sent++}` }]);
            await sleep(200);
            return seen.length > 0;
          },
          60_000,
        );
        const firstSeen = Number(seen[0]?.replace("new-", "") ?? Number.NaN);
        const expectedNew = Array.from({ length: sent - firstSeen }, (_, index) => `new-${firstSeen + index}`);
        await waitFor("every record after the first new one", () => seen.length >= expectedNew.length);
        expect(seen).toEqual(expectedNew);
        await waitFor("commit", async () => (await totalLag(group, [topic])) === 0);
        await consumer.stop();
        await log().publish([{ topic, key: "k", value: "while-stopped" }]);
        const resumed: string[] = [];
        await consume({ group, topics: [topic], from: "latest", handle: async (batch) => void resumed.push(...batch.map((r) => r.value)) });
        await waitFor("the record published while stopped", () => resumed.includes("while-stopped"));
      },
      testTimeout,
    );

    it(
      "reports end, committed and lag per partition before and after consumption",
      async () => {
        const topic = unique("lag");
        const other = unique("lag-other");
        const group = unique("group");
        await log().ensureTopics([
          { name: topic, partitions: 2 },
          { name: other, partitions: 1 },
        ]);
        const [zero, one] = [keyFor(0, 2), keyFor(1, 2)];
        await log().publish([
          ...Array.from({ length: 3 }, (_, index) => ({ topic, key: zero, value: `a${index}` })),
          ...Array.from({ length: 5 }, (_, index) => ({ topic, key: one, value: `b${index}` })),
          { topic: other, key: zero, value: "c" },
        ]);
        const expected = (entries: Array<[string, number, number, number]>) =>
          entries
            .map(([t, partition, committed, end]) => ({ topic: t, partition, committed: String(committed), end: String(end), lag: end - committed }))
            .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
        expect(await lagOf(group, [topic, other])).toEqual(
          expected([
            [topic, 0, 0, 3],
            [topic, 1, 0, 5],
            [other, 0, 0, 1],
          ]),
        );
        let handled = 0;
        const consumer = await consume({ group, topics: [topic], handle: async (batch) => void (handled += batch.length) });
        await waitFor("8 records", () => handled >= 8);
        await waitFor("commit", async () => (await totalLag(group, [topic])) === 0);
        await consumer.stop();
        await log().publish([
          { topic, key: one, value: "b5" },
          { topic, key: one, value: "b6" },
        ]);
        expect(await lagOf(group, [topic, other])).toEqual(
          expected([
            [topic, 0, 3, 3],
            [topic, 1, 5, 7],
            [other, 0, 0, 1],
          ]),
        );
      },
      testTimeout,
    );

    it(
      "stop() lets the in-flight batch finish and commit, then handles nothing more",
      async () => {
        const topic = unique("stop");
        const group = unique("group");
        await log().ensureTopics([{ name: topic, partitions: 1 }]);
        await log().publish(Array.from({ length: 5 }, (_, index) => ({ topic, key: "k", value: String(index) })));
        const gate = deferred();
        const entered = deferred();
        const batches: LogRecord[][] = [];
        let finished = 0;
        const consumer = await consume({
          group,
          topics: [topic],
          handle: async (batch) => {
            batches.push(batch);
            entered.resolve();
            await gate.promise;
            finished++;
          },
        });
        await entered.promise;
        let stopped = false;
        const stopping = consumer.stop().then(() => void (stopped = true));
        await sleep(500);
        expect(stopped).toBe(false);
        gate.resolve();
        await stopping;
        expect(batches).toHaveLength(1);
        expect(finished).toBe(1);
        const last = batches[0]?.at(-1)?.offset ?? "-1";
        expect((await lagOf(group, [topic]))[0]?.committed).toBe(String(BigInt(last) + 1n));
        await log().publish([{ topic, key: "k", value: "after-stop" }]);
        await sleep(1_000);
        expect(batches).toHaveLength(1);
        await consumer.stop();
      },
      testTimeout,
    );

    it(
      "shares a group's partitions between two members: never one partition in two members at once, every record seen",
      async () => {
        const topic = unique("members");
        const group = unique("group");
        const partitions = 4;
        await log().ensureTopics([{ name: topic, partitions }]);
        const inFlight = new Map<number, string>();
        const handledBy = { a: 0, b: 0 };
        const problems: string[] = [];
        const seen = new Set<string>();
        const handler = (member: "a" | "b") => async (batch: LogRecord[]) => {
          const partition = batch[0]?.partition ?? -1;
          const holder = inFlight.get(partition);
          if (holder !== undefined) problems.push(`partition ${partition} handled by ${holder} and ${member} at once`);
          inFlight.set(partition, member);
          handledBy[member]++;
          await sleep(25);
          for (const record of batch) seen.add(`${record.value}`);
          inFlight.delete(partition);
        };
        let published = 0;
        const publishWave = async () => {
          await log().publish(Array.from({ length: 20 }, (_, index) => ({ topic, key: `k${(published + index) % 17}`, value: String(published + index) })));
          published += 20;
          await sleep(100);
        };
        // The second member joins while the first is busy with every partition,
        // so partitions change hands under load.
        await consume({ group, topics: [topic], maxBatchSize: 10, handle: handler("a") });
        const deadline = Date.now() + 60_000;
        while (handledBy.a < 8 && Date.now() < deadline) await publishWave();
        await consume({ group, topics: [topic], maxBatchSize: 10, handle: handler("b") });
        while ((handledBy.b === 0 || published < 400) && Date.now() < deadline) await publishWave();
        await waitFor(`all ${published} records`, () => seen.size >= published, 60_000);
        expect(problems).toEqual([]);
        expect(handledBy.a).toBeGreaterThan(0);
        expect(handledBy.b).toBeGreaterThan(0);
      },
      testTimeout * 2,
    );
  });
}
