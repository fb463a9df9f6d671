import pg from "pg";
import { describe, expect, it } from "vitest";
import { startEmbeddedDatabase } from "./embedded-database.ts";
import { changedRows, CommandTags, TableWriteHints, tableWriteHints, writtenTables } from "./table-write-hints.ts";

describe("table write hints", () => {
  it("names the tables a statement writes, as Kysely and people spell them", () => {
    expect(writtenTables(`insert into "notify"."deliveries" ("id") values ($1)`)).toEqual(["notify.deliveries"]);
    expect(writtenTables("UPDATE ingestion.uploads SET state = $1")).toEqual(["ingestion.uploads"]);
    expect(writtenTables(`select * from "notify"."deliveries"`)).toEqual([]);
  });

  it("counts only command tags that changed rows", () => {
    expect(changedRows("UPDATE 0")).toBe(false);
    expect(changedRows("UPDATE 2")).toBe(true);
    expect(changedRows("INSERT 0 1")).toBe(true);
    expect(changedRows("DELETE 0")).toBe(false);
    expect(changedRows("SELECT 5")).toBe(false);
  });

  it("reads CommandComplete tags split across chunks", () => {
    const tag = new TextEncoder().encode("UPDATE 3\0");
    const message = new Uint8Array(5 + tag.length);
    message[0] = 0x43;
    new DataView(message.buffer).setInt32(1, 4 + tag.length);
    message.set(tag, 5);
    const tags: string[] = [];
    const reader = new CommandTags();
    reader.push(message.subarray(0, 3), (t) => tags.push(t));
    expect(tags).toEqual([]);
    reader.push(message.subarray(3), (t) => tags.push(t));
    expect(tags).toEqual(["UPDATE 3"]);
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
  });
});
