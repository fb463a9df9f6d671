import type { ColumnType, Generated } from "kysely";

export type Role = "listener" | "artist" | "editor" | "admin";

export interface AccountsTable {
  id: Generated<string>;
  /** Trimmed and lower-cased (see workers/auth/accounts.ts `normalizeEmail`). */
  email: string;
  /** PHC-encoded argon2id hash; null for OAuth-only accounts. */
  password_hash: string | null;
  roles: ColumnType<Role[], Role[] | undefined, Role[]>;
  is_premium: Generated<boolean>;
  /** `updatedAt` of the UserUpdated event that last set is_premium (origin/auth-claims). */
  premium_changed_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface IdentitiesTable {
  provider: string;
  subject: string;
  account_id: string;
  email: string | null;
  email_verified: Generated<boolean>;
  created_at: Generated<Date>;
  last_sign_in_at: Generated<Date>;
}

/** auth.password_tokens (migrations/0102): one-time password-set/reset tokens, stored as SHA-256. */
export interface PasswordTokensTable {
  hash: string;
  account_id: string;
  purpose: "set" | "reset";
  created_at: ColumnType<Date, Date | string | undefined, never>;
  expires_at: ColumnType<Date, Date | string, never>;
  used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}
