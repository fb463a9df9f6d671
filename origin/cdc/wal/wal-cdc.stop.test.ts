import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../shared/logger.ts";
import { createTestDatabase } from "../../../shared/testing/test-database.ts";
import { startCdc } from "../cdc.ts";
import { cdcMatrix } from "../testing/cdc-matrix.ts";
import { dropTestSlot, testSlotName } from "../testing/cdc-fixture.ts";

const matrix = await cdcMatrix({ logs: ["postgres"], triggerOnPostgres: false });
const walCases = matrix.cases.filter((testCase) => testCase.mode === "wal");
const logger = createLogger({ test: "wal-cdc-stop" }, "error");

afterAll(async () => {
  await matrix.release();
});

// WAL mode needs a real PostgreSQL server (DATABASE_URL); CI always has one.
describe.each(walCases)("WAL CDC stop on $database", ({ database: kind }) => {
  it("stops at once when stopped before its first replication session started", async () => {
    const database = await createTestDatabase(kind);
    const backbone = await matrix.backbone("postgres", database);
    const slot = testSlotName();
    try {
      for (let round = 0; round < 5; round++) {
        const cdc = await startCdc({
          db: database.db,
          connectionString: database.url,
          mode: "wal",
          slot,
          log: backbone.log,
          sink: backbone.sink,
          logger,
          outboxRetentionMinutes: 60,
        });
        // No await between start and stop: the loop is still reading the slot's position.
        const stopped = await Promise.race([cdc.stop().then(() => "stopped"), new Promise((resolve) => setTimeout(resolve, 15_000, "hung"))]);
        expect(stopped).toBe("stopped");
      }
    } finally {
      await backbone.close();
      await dropTestSlot(database.db, slot);
      await database.drop();
    }
  });
});
