import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../../shared/testing/test-database.ts";
import { handleOnce } from "./inbox.ts";

describe.each(databaseKinds())("handleOnce on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await sql`create table public.inbox_effects (event_id text not null)`.execute(database.db);
  });
  afterAll(async () => {
    await database?.drop();
  });

  const effect = (eventId: string) => async (trx: Parameters<Parameters<typeof handleOnce>[3]>[0]) => {
    await sql`insert into public.inbox_effects values (${eventId})`.execute(trx);
  };
  const count = async (eventId: string) =>
    Number((await sql<{ n: string }>`select count(*) as n from public.inbox_effects where event_id = ${eventId}`.execute(database.db)).rows[0]?.n);

  it("applies one of several concurrent deliveries of the same event", async () => {
    const eventId = crypto.randomUUID();
    const results = await Promise.all(Array.from({ length: 5 }, () => handleOnce(database.db, "group-a", eventId, effect(eventId))));
    expect(results.filter((result) => result === "handled")).toHaveLength(1);
    expect(await count(eventId)).toBe(1);
    // Another group has its own inbox.
    expect(await handleOnce(database.db, "group-b", eventId, async () => undefined)).toBe("handled");
  });

  it("rolls the inbox row back with failed effects, so the event can be handled again", async () => {
    const eventId = crypto.randomUUID();
    await expect(
      handleOnce(database.db, "group-a", eventId, async (trx) => {
        await effect(eventId)(trx);
        throw new Error("effects failed");
      }),
    ).rejects.toThrow("effects failed");
    expect(await count(eventId)).toBe(0);
    expect(await handleOnce(database.db, "group-a", eventId, effect(eventId))).toBe("handled");
    expect(await count(eventId)).toBe(1);
  });
});
