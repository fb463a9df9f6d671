import type { ColumnType, Generated, JSONColumnType } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type OptionalTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type DeliveryChannel = "email" | "push";
export type DeliveryStatus = "pending" | "sending" | "sent" | "failed" | "gone" | "cancelled";

/** A rendered email; `messageId` is derived from the event id (see origin/notify/message-ids.ts). */
export interface EmailContent {
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

/** What the service worker receives (JSON, encrypted), and the Web Push `Topic` header. */
export interface PushContent {
  payload: { title: string; body: string; url: string; tag: string };
  topic: string;
}

export interface DeliveriesTable {
  id: Generated<string>;
  event_id: string;
  event_type: string;
  user_id: string;
  channel: DeliveryChannel;
  recipient: string;
  locale: string;
  template: string;
  content: JSONColumnType<EmailContent | PushContent>;
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  lease_owner: string | null;
  last_error: string | null;
  provider_message_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  sent_at: OptionalTimestamp;
  /** W3C trace id of the event's traceparent. */
  trace_id: string | null;
}

export interface PushSubscriptionsTable {
  id: Generated<string>;
  user_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  expiration_time: OptionalTimestamp;
  user_agent: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
