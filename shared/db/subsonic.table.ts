import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** subsonic.api_keys (migrations/0150): OpenSubsonic API keys, stored as SHA-256 hex. */
export interface ApiKeysTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  key_hash: string;
  created_at: Timestamp;
  last_used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** subsonic.app_passwords (migrations/0150): per-device passwords, AES-GCM encrypted (token auth needs the plain text). */
export interface AppPasswordsTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  secret: string;
  created_at: Timestamp;
  last_used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** subsonic.play_queues (migrations/0150): the listener's saved play queue. */
export interface PlayQueuesTable {
  user_id: string;
  track_ids: string[];
  current_id: string | null;
  /** bigint: pg returns it as a string. */
  position_ms: ColumnType<string, string | number, string | number>;
  changed_by: string;
  updated_at: Timestamp;
}
