import type { ColumnType, Generated, JSONColumnType } from "kysely";

/** `bigint`: node-postgres returns it as a decimal string. */
type BigInt = ColumnType<string, string | number | bigint, string | number | bigint>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type OptionalTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type SubscriptionState = "awaiting_payment" | "active" | "failed" | "expired";
export type SubscriptionFailureReason = "payment_failed" | "payment_timeout" | "activation_failed";
export type BillingPlan = "monthly" | "yearly";
export type PaymentStatus = "pending" | "succeeded" | "failed";
export type PaymentFailureCode = "declined" | "expired" | "underpaid" | "cancelled" | "provider_error";
export type RefundStatus = "requested" | "accepted" | "succeeded";

export interface SubscriptionsTable {
  id: string;
  user_id: string;
  plan: BillingPlan;
  state: SubscriptionState;
  period_start: OptionalTimestamp;
  period_end: OptionalTimestamp;
  awaiting_payment_id: string | null;
  awaiting_deadline: OptionalTimestamp;
  failure_reason: SubscriptionFailureReason | null;
  version: ColumnType<number, number | undefined, number>;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface PaymentsTable {
  id: string;
  subscription_id: string;
  user_id: string;
  plan: BillingPlan;
  purpose: "initial" | "renewal";
  method: "sbp" | "usdt";
  provider: string;
  provider_payment_id: string | null;
  amount_minor: BigInt;
  currency: "RUB" | "USDT";
  status: ColumnType<PaymentStatus, PaymentStatus | undefined, PaymentStatus>;
  received_minor: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  failure_code: PaymentFailureCode | null;
  failure_message: string | null;
  instructions: JSONColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  expires_at: Timestamp;
  created_at: Generated<Date>;
  completed_at: OptionalTimestamp;
  failed_at: OptionalTimestamp;
  last_polled_at: OptionalTimestamp;
}

export interface CallbacksTable {
  id: Generated<string>;
  provider: string;
  verified: boolean;
  payment_id: string | null;
  provider_payment_id: string | null;
  reported_status: string | null;
  outcome: "completed" | "failed" | "unchanged" | "rejected";
  body: string;
  received_at: Generated<Date>;
}

/** billing.refused_callback_counts (migrations/0161): refused callbacks per provider and hour. */
export interface RefusedCallbackCountsTable {
  provider: string;
  hour: Date;
  refused: ColumnType<string, number, string>;
}

export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  request_hash: string;
  status_code: number | null;
  response: JSONColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  payment_id: string | null;
  created_at: Generated<Date>;
}

export interface SagaStepsTable {
  subscription_id: string;
  step: string;
  payment_id: string | null;
  created_at: Generated<Date>;
}

export interface RefundsTable {
  payment_id: string;
  subscription_id: string;
  idempotency_key: string;
  amount_minor: BigInt;
  currency: "RUB" | "USDT";
  status: ColumnType<RefundStatus, RefundStatus | undefined, RefundStatus>;
  provider_refund_id: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  last_error: string | null;
  /** The admin who asked for it (POST /admin/payments/{id}/refund); null: the saga's compensation. */
  requested_by: ColumnType<string | null, string | null | undefined, string | null>;
  reason: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}
