import pg from "pg";
import { describe, expect, it } from "vitest";
import { startEmbeddedDatabase } from "../../platform/embedded-database.ts";
import { isOutboxWrite, outboxWriteHints } from "./write-hints.ts";

describe("outbox write hints (embedded database)", () => {
  it("recognises writes to events.outbox and catalog.tracks, as Kysely and people spell them", () => {
    expect(isOutboxWrite(`insert into "events"."outbox" ("id", "topic") values ($1, $2)`)).toBe(true);
    expect(isOutboxWrite("INSERT INTO events.outbox (id) VALUES ($1)")).toBe(true);
    expect(isOutboxWrite(`update "catalog"."tracks" set "title" = $1 where "id" = $2`)).toBe(true);
    expect(isOutboxWrite("delete from catalog.tracks where id = $1")).toBe(true);
    expect(isOutboxWrite(`select * from "events"."outbox" where "relayed_at" is null`)).toBe(false);
    expect(isOutboxWrite(`insert into "catalog"."tracks_archive" ("id") values ($1)`)).toBe(false);
    expect(isOutboxWrite(`update "events"."log_partitions" set "next_offset" = 1`)).toBe(false);
  });

  // PGlite starts in seconds alone, in tens of seconds on a shared CI machine.
  it("hints after the commit of a transaction that wrote the outbox, and after an autocommit write, not for other statements", {
    timeout: 90_000,
  }, async () => {
    const database = await startEmbeddedDatabase({ port: 0 });
    const client = new pg.Client({ connectionString: database.url });
    let hints = 0;
    const unsubscribe = outboxWriteHints.subscribe(() => hints++);
    try {
      expect(outboxWriteHints.watching).toBe(true);
      // A client that leaves makes the socket server replace its queue: hints must survive that.
      const leaving = new pg.Client({ connectionString: database.url });
      await leaving.connect();
      await leaving.query("select 1");
      await leaving.end();
      await client.connect();
      await client.query("create schema events; create table events.outbox (id int); create table other (id int)");
      await client.query("insert into other values ($1)", [1]);
      await client.query("select count(*) from events.outbox");
      expect(hints).toBe(0);

      await client.query("begin");
      await client.query("insert into events.outbox values ($1)", [1]);
      await client.query("select 1");
      expect(hints).toBe(0);
      await client.query("commit");
      expect(hints).toBe(1);

      await client.query("insert into events.outbox values ($1)", [2]);
      expect(hints).toBe(2);
    } finally {
      unsubscribe();
      await client.end();
      await database.stop();
    }
    expect(outboxWriteHints.watching).toBe(false);
  });
});
