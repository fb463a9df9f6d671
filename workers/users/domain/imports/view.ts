import type { ImportEntryRow, ImportRow } from "./repository.ts";
import type { ImportView } from "../../imports/schemas.ts";

export function importView(job: ImportRow): ImportView {
  return {
    id: job.id,
    status: job.status,
    provider: job.provider,
    source: { kind: job.source_kind, link: job.source_kind === "link" ? job.source_ref : null, file_name: job.file_name },
    progress: {
      total: job.total,
      processed: job.processed,
      percent: job.total === null ? null : job.total === 0 ? 100 : Math.floor((job.processed / job.total) * 1000) / 10,
    },
    matched: job.matched,
    unmatched: job.unmatched,
    added: job.added,
    error: job.error_code ? { code: job.error_code, message: job.error_message ?? job.error_code } : null,
    created_at: job.created_at.toISOString(),
    updated_at: job.updated_at.toISOString(),
    finished_at: job.finished_at?.toISOString() ?? null,
  };
}

export function entryView(entry: ImportEntryRow) {
  return { ...entry, score: entry.score === null ? null : Number(entry.score) };
}
