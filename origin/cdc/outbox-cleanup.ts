import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { Logger } from "../../shared/logger.ts";
import type { RunningService } from "../service.ts";
import type { CdcMode } from "./mode.ts";
import { sleep } from "./sleep.ts";

/**
 * Deletes outbox rows whose events reached the log, once they are older than
 * the retention (kept that long for inspection). Trigger mode marks rows
 * `relayed_at`. WAL mode leaves them unmarked: the slot decodes events from the
 * WAL, which holds every inserted row in full, so a committed row may go from
 * the table at any time without its event being lost — age alone decides.
 * Deletes go in small batches so they never hold long locks.
 */
export async function deleteRelayedOutboxRows(db: Kysely<Database>, mode: CdcMode, retentionMinutes: number): Promise<number> {
  const column = mode === "trigger" ? sql.ref("relayed_at") : sql.ref("created_at");
  let deleted = 0;
  for (;;) {
    const result = await sql`
      delete from events.outbox where seq in (
        select seq from events.outbox
        where ${column} < now() - make_interval(mins => ${retentionMinutes})
        order by seq limit 5000)`.execute(db);
    const count = Number(result.numAffectedRows ?? 0n);
    deleted += count;
    if (count < 5000) return deleted;
  }
}

export function startOutboxCleanup(options: {
  db: Kysely<Database>;
  mode: CdcMode;
  retentionMinutes: number;
  logger: Logger;
  intervalMs?: number;
}): RunningService {
  const stop = new AbortController();
  const loop = (async function cleanup() {
    while (!stop.signal.aborted) {
      await sleep(options.intervalMs ?? 60_000, stop.signal);
      if (stop.signal.aborted) break;
      try {
        const deleted = await deleteRelayedOutboxRows(options.db, options.mode, options.retentionMinutes);
        if (deleted > 0) options.logger.info("cdc: deleted relayed outbox rows", { deleted });
      } catch (error) {
        options.logger.warn("cdc: outbox cleanup failed; will retry", { error });
      }
    }
  })();
  return {
    async stop() {
      stop.abort();
      await loop;
    },
  };
}
