import type { Generated } from "kysely";

export type ImportProvider = "yandex" | "vk";
export type ImportSourceKind = "link" | "file";
export type ImportStatus = "queued" | "reading" | "matching" | "completed" | "failed";
export type ImportEntryStatus = "pending" | "matched" | "unmatched";

export interface ImportsTable {
  id: string;
  user_id: string;
  provider: ImportProvider;
  source_kind: ImportSourceKind;
  /** The canonical link, or `sha256:<hex>` of an uploaded file: what a re-import is recognised by. */
  source_ref: string;
  source_file: string | null;
  file_name: string | null;
  status: Generated<ImportStatus>;
  total: number | null;
  processed: Generated<number>;
  matched: Generated<number>;
  unmatched: Generated<number>;
  added: Generated<number>;
  error_code: string | null;
  error_message: string | null;
  attempts: Generated<number>;
  lease_owner: string | null;
  lease_until: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  finished_at: Date | null;
}

export interface ImportEntriesTable {
  import_id: string;
  position: number;
  artist: string;
  title: string;
  external_id: string | null;
  status: Generated<ImportEntryStatus>;
  track_id: string | null;
  score: number | null;
  added: Generated<boolean>;
}
