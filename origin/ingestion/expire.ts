import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import { rejectUpload } from "../../workers/ingestion/domain/uploads.ts";

/** Grace after the URL's expiry for a PUT that started in time to finish and be completed. */
const graceMs = 60 * 60_000;

/** Refuses uploads whose URL expired without a completed file (url_expired + UploadRejected). */
export async function expireStaleUploads(db: Kysely<Database>, limit = 100): Promise<number> {
  const stale = await db
    .selectFrom("ingestion.uploads")
    .selectAll()
    .where("state", "=", "awaiting_upload")
    .where("url_expires_at", "<", sql<Date>`now() - ${`${graceMs} milliseconds`}::interval`)
    .limit(limit)
    .execute();
  let expired = 0;
  for (const upload of stale) {
    const done = await db.transaction().execute((trx) =>
      rejectUpload(
        trx,
        upload,
        { from: "awaiting_upload" },
        {
          code: "url_expired",
          message: "The upload URL expired before the file was uploaded and completed; create a new upload.",
        },
      ),
    );
    if (done) expired++;
  }
  return expired;
}
