/** `npm run migrate`: applies migrations/ to DATABASE_URL or the embedded database. */
import { ConfigError, nodeConfigSchema, parseConfig } from "../shared/config.ts";
import { readMigrations } from "../shared/db/migration-files.ts";
import { migrate } from "../shared/db/migrator.ts";
import { createPostgresDatabase } from "../shared/db/postgres.ts";
import { resolveDatabase } from "./database-url.ts";

try {
  const config = parseConfig(nodeConfigSchema, process.env);
  const database = await resolveDatabase(config);
  const db = createPostgresDatabase(database.url, { maxConnections: 1 });
  try {
    const result = await migrate(db, await readMigrations());
    console.log(
      result.applied.length > 0 ? `Applied ${result.applied.join(", ")}` : "Database is up to date",
      `(${result.alreadyApplied.length} already applied)`,
    );
  } finally {
    await db.destroy();
    await database.stop();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
