/** The demo seeds' test setup: an embedded database and a local S3 bucket, started together. */
import { createTestDatabase, type TestDatabase } from "../../shared/testing/test-database.ts";
import { startLocalS3, type LocalS3 } from "../../test/s3-server.ts";

export async function startSeedTarget(): Promise<{ database: TestDatabase; s3: LocalS3; stop(): Promise<void> }> {
  const [database, s3] = await Promise.all([createTestDatabase("pglite"), startLocalS3()]);
  return {
    database,
    s3,
    async stop() {
      await Promise.all([database.drop(), s3.stop()]);
    },
  };
}
