import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { UploadState } from "../../shared/db/ingestion.table.ts";
import type { Logger } from "../../shared/logger.ts";
import type { UploadRow } from "../../workers/ingestion/domain/uploads.ts";
import { hintedSafetyPollMs, hintsCover, tableWriteHints } from "../platform/table-write-hints.ts";
import { claimUpload, msUntilNextLease, releaseUpload } from "./queue.ts";

export interface WorkerLoopOptions {
  db: Kysely<Database>;
  logger: Logger;
  /** The state this worker takes uploads from. */
  state: UploadState;
  leaseMs: number;
  /** Sleep between polls when there is no work and no embedded database hints new uploads. */
  pollMs?: number;
  /** Handles one claimed upload; throwing gives it back for a retry with backoff. */
  handle(upload: UploadRow, owner: string, signal: AbortSignal): Promise<void>;
  /** Runs about once a minute between uploads (e.g. expiring stale ones). */
  housekeeping?: () => Promise<void>;
}

export interface WorkerLoop {
  stop(): Promise<void>;
}

const maxBackoffMs = 60_000;

/**
 * Claims and handles uploads one at a time until stopped. Stopping aborts the
 * upload in hand (ffmpeg is killed) and gives it back at once, so the next
 * start picks it up without waiting for the lease.
 */
export function startWorkerLoop(options: WorkerLoopOptions): WorkerLoop {
  const owner = `${options.state}-${crypto.randomUUID()}`;
  const stopping = new AbortController();
  const pollMs = options.pollMs ?? 500;
  let lastHousekeeping = 0;

  // With hints (embedded database in this process), a new or updated upload wakes the loop; it
  // also wakes when the earliest lease (a retry's backoff, a crashed worker's claim) runs out.
  const waitForWork = async (since: number) => {
    if (!hintsCover(options.db)) return sleep(pollMs);
    const nextLease = await msUntilNextLease(options.db, options.state);
    const safety = Math.min(hintedSafetyPollMs, Math.max(nextLease ?? hintedSafetyPollMs, 10));
    return tableWriteHints.wait("ingestion.uploads", safety, stopping.signal, since);
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      stopping.signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
    });

  async function once(): Promise<boolean> {
    if (options.housekeeping && Date.now() - lastHousekeeping > 60_000) {
      lastHousekeeping = Date.now();
      await options.housekeeping();
    }
    const upload = await claimUpload(options.db, options.state, owner, options.leaseMs);
    if (!upload) return false;
    const log = options.logger.child({ upload_id: upload.id, attempt: upload.attempts });
    try {
      await options.handle(upload, owner, stopping.signal);
    } catch (error) {
      const retryIn = stopping.signal.aborted ? 0 : Math.min(maxBackoffMs, 1_000 * 2 ** Math.min(upload.attempts, 6));
      log.warn("upload processing failed; it will be retried", { error, retry_in_ms: retryIn });
      await releaseUpload(options.db, upload.id, owner, error instanceof Error ? error.message : String(error), retryIn);
    }
    return true;
  }

  const running = (async () => {
    while (!stopping.signal.aborted) {
      try {
        const since = tableWriteHints.version("ingestion.uploads");
        if (!(await once())) await waitForWork(since);
      } catch (error) {
        options.logger.error("worker loop failed; retrying", { error });
        await sleep(Math.max(pollMs, 2_000));
      }
    }
  })();

  return {
    async stop() {
      stopping.abort();
      await running;
    },
  };
}
