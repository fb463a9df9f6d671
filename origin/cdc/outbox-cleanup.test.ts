import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { deleteRelayedOutboxRows } from "./outbox-cleanup.ts";

describe.each(databaseKinds())("outbox cleanup on %s", (kind) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await database.drop();
  });

  const row = async (name: string, createdAgo: string, relayedAgo: string | null) => {
    await sql`insert into events.outbox (id, topic, key, type, event, created_at, relayed_at)
      values (gen_random_uuid(), 't', ${name}, 'x', '{}'::jsonb, now() - ${createdAgo}::interval,
              case when ${relayedAgo}::text is null then null else now() - ${relayedAgo}::interval end)`.execute(database.db);
  };
  const keys = async () => (await database.db.selectFrom("events.outbox").select("key").orderBy("key").execute()).map((r) => r.key);

  it("trigger mode deletes only rows relayed longer ago than the retention", async () => {
    await row("old-relayed", "3 hours", "2 hours");
    await row("fresh-relayed", "3 hours", "5 minutes");
    await row("old-unrelayed", "3 hours", null);
    expect(await deleteRelayedOutboxRows(database.db, "trigger", 60)).toBe(1);
    expect(await keys()).toEqual(["fresh-relayed", "old-unrelayed"]);
  });

  it("WAL mode deletes by age alone: the slot decodes events from the WAL, not the table", async () => {
    await row("old", "2 hours", null);
    await row("fresh", "5 minutes", null);
    expect(await deleteRelayedOutboxRows(database.db, "wal", 60)).toBe(1);
    expect(await keys()).toEqual(["fresh"]);
  });
});
