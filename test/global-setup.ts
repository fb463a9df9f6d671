import type { TestProject } from "vitest/node";
import { createTestDatabase, type TestDatabase } from "../shared/testing/test-database.ts";
import { withPassword } from "../shared/db/urls.ts";
import { copyDataAssets } from "../scripts/data-assets.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** A migrated database the edge (workerd) tests reach through Hyperdrive. */
    edgeDatabaseUrl: string;
  }
}

let database: TestDatabase | undefined;

/** One migrated database for the Worker tests: real PostgreSQL when DATABASE_URL is set, else PGlite. */
export async function setup(project: TestProject): Promise<void> {
  // The Worker reads these from its static assets; fresh copies, whatever the last build left.
  await copyDataAssets();
  database = await createTestDatabase(process.env.DATABASE_URL ? "postgres" : "pglite");
  project.provide("edgeDatabaseUrl", withPassword(database.url));
}

export async function teardown(): Promise<void> {
  await database?.drop();
}
