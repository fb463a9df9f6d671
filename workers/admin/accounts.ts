/**
 * GET /admin/accounts and /admin/accounts/{id}: reads across auth (the
 * account), users (the profile) and billing (subscriptions, payments, refunds).
 * Read-only: each context still writes only its own schema.
 */
import { sql, type Kysely } from "kysely";
import type { Role } from "../../shared/db/auth.table.ts";
import type { Database } from "../../shared/db/database.ts";
import type { Position } from "./keyset.ts";

export interface AccountFilter {
  /** Lower-cased; matched literally (LIKE wildcards escaped), never as a pattern. */
  q?: string;
  match: "prefix" | "contains";
  role?: Role;
  before?: Position;
  limit: number;
}

/** `%`, `_` and the escape character itself stand for themselves in the LIKE pattern. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null);

export async function searchAccounts(db: Kysely<Database>, filter: AccountFilter) {
  let query = db
    .selectFrom("auth.accounts")
    .select(["id", "email", "email_verified_at", "roles", "is_premium", "created_at", sql<string>`created_at::text`.as("created_at_exact")])
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(filter.limit);
  if (filter.q) {
    const literal = likeLiteral(filter.q);
    const pattern = filter.match === "prefix" ? `${literal}%` : `%${literal}%`;
    // lower(email): the prefix form uses accounts_email_prefix (text_pattern_ops).
    query = query.where(sql<boolean>`lower(email) like ${pattern} escape '\\'`);
  }
  if (filter.role) query = query.where(sql<boolean>`roles @> array[${filter.role}]::text[]`);
  if (filter.before) query = query.where(sql<boolean>`(created_at, id) < (${filter.before.at}::timestamptz, ${filter.before.id}::uuid)`);
  return query.execute();
}

export function accountSummary(row: { id: string; email: string; email_verified_at: Date | null; roles: Role[]; is_premium: boolean; created_at: Date }) {
  return {
    id: row.id,
    email: row.email,
    email_verified: row.email_verified_at !== null,
    email_verified_at: iso(row.email_verified_at),
    roles: row.roles,
    premium: row.is_premium,
    created_at: new Date(row.created_at).toISOString(),
  };
}

/** Subscriptions and payments shown per account: the newest, enough for a support case. */
const historyLimit = 50;

export async function readAccount(db: Kysely<Database>, id: string) {
  const account = await db
    .selectFrom("auth.accounts")
    .select(["id", "email", "email_verified_at", "pending_email", "roles", "is_premium", "created_at", "updated_at"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!account) return null;
  const [identities, profile, subscriptions, payments] = await Promise.all([
    db.selectFrom("auth.identities").select(["provider", "created_at", "last_sign_in_at"]).where("account_id", "=", id).orderBy("created_at").execute(),
    db
      .selectFrom("users.profiles")
      .select(["display_name", "avatar_url", "locale", "is_premium", "premium_until", "created_at"])
      .where("user_id", "=", id)
      .executeTakeFirst(),
    db
      .selectFrom("billing.subscriptions")
      .select(["id", "plan", "state", "period_start", "period_end", "awaiting_payment_id", "failure_reason", "created_at", "updated_at"])
      .where("user_id", "=", id)
      .orderBy("created_at", "desc")
      .limit(historyLimit)
      .execute(),
    db
      .selectFrom("billing.payments as p")
      .leftJoin("billing.refunds as r", "r.payment_id", "p.id")
      .select([
        "p.id",
        "p.subscription_id",
        "p.purpose",
        "p.plan",
        "p.method",
        "p.provider",
        "p.provider_payment_id",
        "p.amount_minor",
        "p.received_minor",
        "p.currency",
        "p.status",
        "p.failure_code",
        "p.failure_message",
        "p.created_at",
        "p.completed_at",
        "p.failed_at",
        "r.status as refund_status",
        "r.amount_minor as refund_amount_minor",
        "r.requested_by as refund_requested_by",
        "r.reason as refund_reason",
        "r.last_error as refund_last_error",
        "r.created_at as refund_created_at",
      ])
      .where("p.user_id", "=", id)
      .orderBy("p.created_at", "desc")
      .limit(historyLimit)
      .execute(),
  ]);
  return {
    ...accountSummary(account),
    pending_email: account.pending_email,
    updated_at: new Date(account.updated_at).toISOString(),
    identities: identities.map((identity) => ({
      provider: identity.provider,
      created_at: new Date(identity.created_at).toISOString(),
      last_sign_in_at: new Date(identity.last_sign_in_at).toISOString(),
    })),
    profile: profile
      ? {
          display_name: profile.display_name,
          avatar_url: profile.avatar_url,
          locale: profile.locale,
          premium: profile.is_premium,
          premium_until: iso(profile.premium_until),
          created_at: new Date(profile.created_at).toISOString(),
        }
      : null,
    subscriptions: subscriptions.map((s) => ({
      id: s.id,
      plan: s.plan,
      state: s.state,
      period_start: iso(s.period_start),
      period_end: iso(s.period_end),
      awaiting_payment_id: s.awaiting_payment_id,
      failure_reason: s.failure_reason,
      created_at: new Date(s.created_at).toISOString(),
      updated_at: new Date(s.updated_at).toISOString(),
    })),
    payments: payments.map((p) => ({
      id: p.id,
      subscription_id: p.subscription_id,
      purpose: p.purpose,
      plan: p.plan,
      method: p.method,
      provider: p.provider,
      provider_payment_id: p.provider_payment_id,
      amount: { amount_minor: Number(p.amount_minor), currency: p.currency },
      received_minor: p.received_minor === null ? null : Number(p.received_minor),
      status: p.status,
      failure: p.failure_code ? { code: p.failure_code, message: p.failure_message ?? "" } : null,
      refund:
        p.refund_status && p.refund_created_at
          ? {
              status: p.refund_status,
              amount_minor: Number(p.refund_amount_minor),
              requested_by: p.refund_requested_by,
              reason: p.refund_reason,
              last_error: p.refund_last_error,
              requested_at: new Date(p.refund_created_at).toISOString(),
            }
          : null,
      created_at: new Date(p.created_at).toISOString(),
      completed_at: iso(p.completed_at),
      failed_at: iso(p.failed_at),
    })),
  };
}
