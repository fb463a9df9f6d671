import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../testing/test-database.ts";
import { InvalidEventError } from "./build.ts";
import { writeOutbox } from "./outbox.ts";
import { sampleData } from "./testing/samples.ts";
import { parseTraceparent } from "./traceparent.ts";

const trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

describe.each(databaseKinds())("writeOutbox on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("writes the envelope with the catalogue's topic and key inside the caller's transaction", async () => {
    const data = sampleData["tunec.playback.playback-started.v1"];
    const event = await database.db
      .transaction()
      .execute((trx) => writeOutbox(trx, { type: "tunec.playback.playback-started.v1", source: "/tunec/playback", data, traceparent: trace }));
    const row = await database.db.selectFrom("events.outbox").selectAll().where("id", "=", event.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ topic: "tunec.playback", key: data.userId, type: "tunec.playback.playback-started.v1", relayed_at: null });
    expect(row.event).toEqual(JSON.parse(JSON.stringify(event)));
    expect(row.event).toMatchObject({
      specversion: "1.0",
      source: "/tunec/playback",
      subject: data.userId,
      datacontenttype: "application/json",
      dataschema: "urn:tunec:events:tunec.playback.playback-started.v1",
      traceparent: trace,
      data,
    });
  });

  it("writes nothing when the caller's transaction rolls back", async () => {
    const id = crypto.randomUUID();
    const failure = new Error("state change failed");
    await expect(
      database.db.transaction().execute(async (trx) => {
        await writeOutbox(trx, { id, type: "tunec.users.user-updated.v1", source: "/tunec/users", data: sampleData["tunec.users.user-updated.v1"] });
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await database.db.selectFrom("events.outbox").select("id").where("id", "=", id).executeTakeFirst()).toBeUndefined();
  });

  it("refuses data that does not match the type's schema, before any write", async () => {
    const before = await countRows();
    const data = { ...sampleData["tunec.billing.payment-completed.v1"], amount: { amountMinor: 299.5, currency: "RUB" as const } };
    await expect(
      database.db.transaction().execute((trx) => writeOutbox(trx, { type: "tunec.billing.payment-completed.v1", source: "/tunec/payments", data })),
    ).rejects.toThrow(InvalidEventError);
    await expect(
      // @ts-expect-error an unknown type is a compile error, and a runtime one for untyped callers
      database.db.transaction().execute((trx) => writeOutbox(trx, { type: "tunec.nope.v1", source: "/x", data: {} })),
    ).rejects.toThrow(/unknown event type/);
    expect(await countRows()).toBe(before);
  });

  it("starts a new trace when the caller has none, and keeps a given id and time", async () => {
    const id = crypto.randomUUID();
    const event = await writeOutbox(database.db, {
      id,
      time: new Date("2026-01-10T09:00:00Z"),
      type: "tunec.catalog.track-deleted.v1",
      source: "/tunec/cdp",
      data: sampleData["tunec.catalog.track-deleted.v1"],
    });
    expect(event.id).toBe(id);
    expect(event.time).toBe("2026-01-10T09:00:00.000Z");
    expect(parseTraceparent(event.traceparent)?.traceId).toMatch(/^[0-9a-f]{32}$/);
    const row = await database.db.selectFrom("events.outbox").select(["topic", "key"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(row).toEqual({ topic: "tunec.catalog.tracks", key: sampleData["tunec.catalog.track-deleted.v1"].before.id });
  });

  async function countRows(): Promise<number> {
    const { count } = await database.db
      .selectFrom("events.outbox")
      .select((eb) => eb.fn.countAll<string>().as("count"))
      .executeTakeFirstOrThrow();
    return Number(count);
  }
});
