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
  /** When the owner proved the address (a mailed link, or a provider vouching at OAuth sign-in); null: unproven. */
  email_verified_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** A new address asked for, waiting for its owner to follow the link sent to it. */
  pending_email: ColumnType<string | null, string | null | undefined, string | null>;
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

/** auth.account_tokens (migrations/0102, 0110): one-time tokens for printed and mailed links, stored as SHA-256. */
export interface AccountTokensTable {
  hash: string;
  account_id: string;
  purpose: "set" | "reset" | "verify-email" | "change-email";
  /** The address a verify-email or change-email token proves. */
  email: ColumnType<string | null, string | null | undefined, never>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  expires_at: ColumnType<Date, Date | string, never>;
  used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}
