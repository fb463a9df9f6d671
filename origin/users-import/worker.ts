/**
 * The import worker loop: claim a job, run it, and decide what a failure
 * means. A source the user must fix (not found, private, unreadable) fails
 * the job with that reason at once; a provider outage or an unexpected error
 * gives it back with backoff, up to `maxAttempts`.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { Logger } from "../../shared/logger.ts";
import { ImportStoppedError, runImport, type ImportWork } from "./process.ts";
import { hintedSafetyPollMs, hintsCover, tableWriteHints } from "../platform/table-write-hints.ts";
import { claimImport, failImport, LeaseLostError, msUntilNextLease, releaseImport } from "./queue.ts";
import { ImportSourceError, type ImportSources } from "./sources/index.ts";

export interface ImportWorkerOptions {
  db: Kysely<Database>;
  sources: ImportSources;
  logger: Logger;
  batchSize: number;
  leaseMs?: number;
  pollMs?: number;
  maxAttempts?: number;
  afterBatch?: ImportWork["afterBatch"];
}

export interface ImportWorker {
  /** Claims and runs one job; false when there was none. */
  once(): Promise<boolean>;
  stop(): Promise<void>;
}

const maxBackoffMs = 60_000;

export function createImportWorker(options: ImportWorkerOptions): ImportWorker & { start(): void } {
  const owner = `users-import-${crypto.randomUUID()}`;
  const stopping = new AbortController();
  const leaseMs = options.leaseMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 5;
  let running: Promise<void> | undefined;

  async function once(): Promise<boolean> {
    const job = await claimImport(options.db, owner, leaseMs);
    if (!job) return false;
    const log = options.logger.child({ import_id: job.id, attempt: job.attempts });
    try {
      await runImport(job, {
        db: options.db,
        sources: options.sources,
        owner,
        leaseMs,
        batchSize: options.batchSize,
        logger: log,
        signal: stopping.signal,
        ...(options.afterBatch ? { afterBatch: options.afterBatch } : {}),
      });
    } catch (error) {
      if (error instanceof LeaseLostError) {
        log.warn("import lease lost; another worker has the job");
      } else if (error instanceof ImportStoppedError || stopping.signal.aborted) {
        await releaseImport(options.db, job.id, owner, null, 0);
      } else if (error instanceof ImportSourceError && !error.retryable) {
        log.info("import failed: the source cannot be read", { code: error.code, reason: error.message });
        await failImport(options.db, job.id, owner, error.code, error.message);
      } else if (job.attempts >= maxAttempts) {
        log.error("import failed after its last attempt", { error });
        const code = error instanceof ImportSourceError ? error.code : "internal";
        await failImport(options.db, job.id, owner, code, error instanceof ImportSourceError ? error.message : "The import could not be completed.");
      } else {
        const retryIn = Math.min(maxBackoffMs, 1_000 * 2 ** job.attempts);
        log.warn("import interrupted; it will be retried", { error, retry_in_ms: retryIn });
        await releaseImport(options.db, job.id, owner, error instanceof Error ? error.message : String(error), retryIn);
      }
    }
    return true;
  }

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      stopping.signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
    });

  // With hints (embedded database in this process) a new import wakes the loop; it also wakes
  // when the earliest lease runs out (a retry's backoff, a crashed worker). Else the old poll.
  const waitForWork = async (since: number) => {
    if (!hintsCover(options.db)) return sleep(options.pollMs ?? 1_000);
    const nextLease = await msUntilNextLease(options.db);
    const safety = Math.min(hintedSafetyPollMs, Math.max(nextLease ?? hintedSafetyPollMs, 10));
    return tableWriteHints.wait("users.imports", safety, stopping.signal, since);
  };

  return {
    once,
    start() {
      running ??= (async () => {
        while (!stopping.signal.aborted) {
          try {
            const since = tableWriteHints.version("users.imports");
            if (!(await once())) await waitForWork(since);
          } catch (error) {
            options.logger.error("import worker loop failed; retrying", { error });
            await sleep(2_000);
          }
        }
      })();
    },
    async stop() {
      stopping.abort();
      await running;
    },
  };
}
