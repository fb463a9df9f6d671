import pg from "pg";
import { describe, expect, it } from "vitest";
import { startEmbeddedDatabase } from "./embedded-database.ts";
import { BackendMessages, changedRows, TableWriteHints, tableWriteHints, writtenTables } from "./table-write-hints.ts";

describe("table write hints", () => {
  it("names the tables a statement writes, as Kysely and people spell them", () => {
    expect(writtenTables(`insert into "notify"."deliveries" ("id") values ($1)`)).toEqual(["notify.deliveries"]);
    expect(writtenTables("UPDATE ingestion.uploads SET state = $1")).toEqual(["ingestion.uploads"]);
    expect(writtenTables(`select * from "notify"."deliveries"`)).toEqual([]);
    expect(writtenTables(`insert into "events"."outbox" ("id", "topic") values ($1, $2)`)).toEqual(["events.outbox"]);
    expect(writtenTables("delete from catalog.tracks where id = $1")).toEqual(["catalog.tracks"]);
    expect(writtenTables(`insert into "catalog"."tracks_archive" ("id") values ($1)`)).toEqual(["catalog.tracks_archive"]);
    expect(writtenTables(`insert into t ("id") values ($1) on conflict ("id") do update set "n" = 1`)).toEqual([]);
  });

  it("counts only command tags that changed rows", () => {
    expect(changedRows("UPDATE 0")).toBe(false);
    expect(changedRows("UPDATE 2")).toBe(true);
    expect(changedRows("INSERT 0 1")).toBe(true);
    expect(changedRows("DELETE 0")).toBe(false);
    expect(changedRows("SELECT 5")).toBe(false);
  });

  it("reads CommandComplete tags and ReadyForQuery split across chunks", () => {
    const tag = new TextEncoder().encode("UPDATE 3\0");
    const bytes = new Uint8Array(5 + tag.length + 6);
    bytes[0] = 0x43;
    new DataView(bytes.buffer).setInt32(1, 4 + tag.length);
    bytes.set(tag, 5);
    bytes.set([0x5a, 0, 0, 0, 5, 0x49], 5 + tag.length);
    const seen: string[] = [];
    const on = { tag: (t: string) => seen.push(t), ready: (status: number) => seen.push(String.fromCharCode(status)) };
    const reader = new BackendMessages();
    reader.push(bytes.subarray(0, 3), on);
    expect(seen).toEqual([]);
    reader.push(bytes.subarray(3, bytes.length - 1), on);
    expect(seen).toEqual(["UPDATE 3"]);
    reader.push(bytes.subarray(bytes.length - 1), on);
    expect(seen).toEqual(["UPDATE 3", "I"]);
  });

  it("passes over a large result streaming in small chunks and still reads the tag and ReadyForQuery after it", () => {
    const message = (type: number, body: Uint8Array) => {
      const bytes = new Uint8Array(5 + body.length);
      bytes[0] = type;
      new DataView(bytes.buffer).setInt32(1, 4 + body.length);
      bytes.set(body, 5);
      return bytes;
    };
    const row = message(0x44, new Uint8Array(1_000_000).fill(0x43)); // a DataRow full of 'C' bytes
    const tag = message(0x43, new TextEncoder().encode("INSERT 0 1\0"));
    const ready = message(0x5a, new Uint8Array([0x49]));
    const stream = new Uint8Array(row.length + tag.length + ready.length);
    stream.set(row, 0);
    stream.set(tag, row.length);
    stream.set(ready, row.length + tag.length);
    const seen: string[] = [];
    const on = { tag: (t: string) => seen.push(t), ready: (status: number) => seen.push(String.fromCharCode(status)) };
    const reader = new BackendMessages();
    for (let offset = 0; offset < stream.length; offset += 1_000) reader.push(stream.subarray(offset, offset + 1_000), on);
    expect(seen).toEqual(["INSERT 0 1", "I"]);
  });

  it("wait returns at once when the table was hinted since the version read, else on the next hint", async () => {
    const hints = new TableWriteHints();
    const since = hints.version("a.b");
    hints.emit(["a.b"]);
    await hints.wait("a.b", 60_000, new AbortController().signal, since);
    const waiting = hints.wait("a.b", 60_000, new AbortController().signal, hints.version("a.b"));
    hints.emit(["A.B"]);
    await waiting;
  });

  // PGlite starts in seconds alone, in tens of seconds on a shared CI machine.
  it("hints a table after the commit that changed its rows; an update of no rows does not", { timeout: 180_000 }, async () => {
    const database = await startEmbeddedDatabase({ port: 0 });
    const client = new pg.Client({ connectionString: database.url });
    let hints = 0;
    const unsubscribe = tableWriteHints.subscribe("work.queue", () => hints++);
    try {
      expect(tableWriteHints.watching).toBe(true);
      // Its own URL is covered (every write to it is hinted); another server's is not.
      expect(tableWriteHints.covers(database.url)).toBe(true);
      expect(tableWriteHints.covers(database.url.replace(/:(\d+)\//, (_, port: string) => `:${Number(port) === 5432 ? 5433 : 5432}/`))).toBe(false);
      expect(tableWriteHints.covers("postgres://postgres@db.example.com:5432/postgres")).toBe(false);
      await client.connect();
      await client.query("create schema work; create table work.queue (id int, taken boolean default false)");
      // A worker's empty claim: must not wake the worker itself.
      await client.query("update work.queue set taken = true where id = (select id from work.queue where not taken limit 1)");
      expect(hints).toBe(0);

      await client.query("begin");
      await client.query("insert into work.queue (id) values ($1)", [1]);
      expect(hints).toBe(0);
      await client.query("commit");
      expect(hints).toBe(1);

      await client.query("update work.queue set taken = true where id = $1", [1]);
      expect(hints).toBe(2);
      await client.query("update work.queue set taken = true where id = $1", [2]);
      expect(hints).toBe(2);
    } finally {
      unsubscribe();
      await client.end();
      await database.stop();
    }
    expect(tableWriteHints.watching).toBe(false);
    expect(tableWriteHints.covers(database.url)).toBe(false);
  });

  it("hints a commit while another client holds the session in its own transaction, and survives clients leaving", { timeout: 180_000 }, async () => {
    const database = await startEmbeddedDatabase({ port: 0 });
    const writer = new pg.Client({ connectionString: database.url });
    const other = new pg.Client({ connectionString: database.url });
    let hints = 0;
    const unsubscribe = tableWriteHints.subscribeAll(["events.outbox", "catalog.tracks"], () => hints++);
    try {
      // A client that leaves makes the socket server drop its queue entries: hints must survive that.
      const leaving = new pg.Client({ connectionString: database.url });
      await leaving.connect();
      await leaving.query("select 1");
      await leaving.end();
      await writer.connect();
      await other.connect();
      await writer.query("create schema events; create table events.outbox (id int); create schema catalog; create table catalog.tracks (id int)");
      expect(hints).toBe(0);
      // The writer's commit and the other client's BEGIN go in together: whatever order the
      // session runs them in, the writer's own ReadyForQuery says its write is done.
      for (let round = 1; round <= 20; round++) {
        await writer.query("begin");
        await writer.query("insert into events.outbox values ($1)", [round]);
        await Promise.all([
          writer.query("commit"),
          other
            .query("begin")
            .then(() => other.query("select 1"))
            .then(() => other.query("commit")),
        ]);
        expect(hints).toBe(round);
      }
      await writer.query("update catalog.tracks set id = 1 where id = 0");
      expect(hints).toBe(20);
      await writer.query("insert into catalog.tracks values (1)");
      expect(hints).toBe(21);
    } finally {
      unsubscribe();
      await writer.end();
      await other.end();
      await database.stop();
    }
  });
});
