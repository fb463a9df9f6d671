/** Helpers of the CDC suites: a topic reader, track rows, and slot cleanup. */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import { cloudEventSchema, type AnyCloudEvent } from "../../../shared/events/envelope.ts";
import type { Consumer, EventLog, LogRecord } from "../../events/event-log.ts";
import { dropSlot } from "../wal/replication-setup.ts";

export interface ReadEvent {
  record: LogRecord;
  event: AnyCloudEvent;
}

export interface TopicReader {
  events(): ReadEvent[];
  /** Polls until `condition` holds on what was read; fails after `timeoutMs` saying what it saw. */
  waitFor(what: string, condition: (events: ReadEvent[]) => boolean, timeoutMs?: number): Promise<ReadEvent[]>;
  stop(): Promise<void>;
}

/** Reads `topics` from the beginning under a fresh group, keeping events `keep` accepts. */
export async function readTopics(log: EventLog, topics: string[], keep: (event: AnyCloudEvent) => boolean = () => true): Promise<TopicReader> {
  const seen: ReadEvent[] = [];
  const consumer: Consumer = await log.consume({
    group: `cdc-test-${crypto.randomUUID().slice(0, 8)}`,
    topics,
    from: "earliest",
    async handle(records) {
      for (const record of records) {
        const event = cloudEventSchema.parse(JSON.parse(record.value));
        if (keep(event)) seen.push({ record, event });
      }
    },
  });
  return {
    events: () => [...seen],
    async waitFor(what, condition, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!condition([...seen])) {
        if (Date.now() > deadline) {
          throw new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; read ${seen.length}: ${seen
              .slice(-5)
              .map((e) => e.event.type)
              .join(", ")}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return [...seen];
    },
    stop: () => consumer.stop(),
  };
}

export async function insertArtist(db: Kysely<Database>, name = "Земфира"): Promise<string> {
  return (await db.insertInto("catalog.artists").values({ name }).returning("id").executeTakeFirstOrThrow()).id;
}

export async function insertTrack(db: Kysely<Database>, artistId: string, title: string): Promise<string> {
  const row = await db
    .insertInto("catalog.tracks")
    .values({ title, artist_id: artistId, duration_ms: 215_000, genres: ["rock", "pop"], language: "ru", isrc: "RUA1D2300001" })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Random slot name: slots are per server, and test databases share one. */
export function testSlotName(): string {
  return `tunec_cdc_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
}

/**
 * Drops the test's slot (a database with a slot cannot be dropped). The
 * walsender of a just-stopped CDC may hold it for a moment, hence the retries.
 */
export async function dropTestSlot(db: Kysely<Database>, slot: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await sql`select pg_terminate_backend(active_pid) from pg_replication_slots where slot_name = ${slot} and active_pid is not null`.execute(db);
      await dropSlot(db, slot);
      return;
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
