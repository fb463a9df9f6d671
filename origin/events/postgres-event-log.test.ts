import { describe } from "vitest";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase, databaseKinds } from "../../shared/testing/test-database.ts";
import { describeEventLogContract } from "./event-log.contract.ts";
import { createPostgresEventLog } from "./postgres-event-log.ts";

describe.each(databaseKinds())("PostgreSQL EventLog on %s", (kind) => {
  describeEventLogContract(`postgres (${kind})`, async () => {
    const database = await createTestDatabase(kind);
    const log = createPostgresEventLog({
      db: database.db,
      url: database.url,
      logger: createLogger({ component: "postgres-event-log-test" }, "error"),
      pollIntervalMs: 50,
      redeliveryDelayMs: 200,
    });
    return {
      log,
      async cleanup() {
        await log.close();
        await database.drop();
      },
    };
  });
});
