/**
 * The consumer's side: a subscription event → the messages it deserves, one
 * row per channel and recipient in notify.deliveries, written in the inbox
 * transaction. Nothing is sent here: a handler that sent mail from inside the
 * transaction would send again every time the transaction is retried.
 */
import type { Transaction } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { TunecEvent } from "../../shared/events/catalog.ts";
import { parseTraceparent } from "../../shared/events/traceparent.ts";
import type { HandlerContext } from "../events/consumer.ts";
import type { ContactDirectory } from "./contacts.ts";
import { queueDeliveries, type NewDelivery } from "./deliveries.ts";
import { emailMessageId, notificationTag, pushTopic } from "./message-ids.ts";
import { messageFor, type NotificationTemplate } from "./templates/messages.ts";
import { renderEmail, renderPush } from "./templates/render.ts";

export interface EnqueueDeps {
  contacts: ContactDirectory;
  appUrl: string;
  mailDomain: string;
  /** False when no VAPID keys are configured: push rows would never be sent. */
  pushEnabled: boolean;
}

/** The events that become a notification to one user (account mails go through ./account-mail.ts). */
export type NotifiableEventType =
  | "tunec.billing.subscription-activated.v1"
  | "tunec.billing.subscription-failed.v1"
  | "tunec.billing.subscription-expired.v1"
  | "tunec.catalog.artist-application-decided.v1"
  | "tunec.catalog.artist-manager-added.v1";

type NotifiableEvent = TunecEvent<NotifiableEventType>;

export function templateOf(event: NotifiableEvent): NotificationTemplate {
  switch (event.type) {
    case "tunec.billing.subscription-activated.v1":
      return { name: event.data.renewal ? "subscription-renewed" : "subscription-activated", data: event.data };
    case "tunec.billing.subscription-failed.v1":
      return { name: "subscription-failed", data: event.data };
    case "tunec.billing.subscription-expired.v1":
      return { name: "subscription-expired", data: event.data };
    case "tunec.catalog.artist-application-decided.v1":
      return { name: event.data.decision === "approved" ? "artist-application-approved" : "artist-application-rejected", data: event.data };
    case "tunec.catalog.artist-manager-added.v1":
      return { name: "artist-manager-added", data: event.data };
  }
}

export async function enqueueNotifications(
  deps: EnqueueDeps,
  event: NotifiableEvent,
  trx: Transaction<Database>,
  context: Pick<HandlerContext, "logger">,
): Promise<void> {
  const userId = event.data.userId;
  const template = templateOf(event);
  const contact = await deps.contacts.contactOf(trx, userId);
  const message = messageFor(template, contact.locale, contact);
  const common = {
    event_id: event.id,
    event_type: event.type,
    user_id: userId,
    locale: contact.locale,
    template: template.name,
    trace_id: parseTraceparent(event.traceparent)?.traceId ?? null,
  };
  const rows: NewDelivery[] = [];
  if (contact.email) {
    const email = renderEmail(message, contact.locale, deps.appUrl);
    rows.push({
      ...common,
      channel: "email",
      recipient: contact.email,
      content: { ...email, messageId: emailMessageId(event.id, contact.email, deps.mailDomain) },
    });
  }
  if (deps.pushEnabled) {
    const subscriptions = await trx.selectFrom("notify.push_subscriptions").select("endpoint").where("user_id", "=", userId).execute();
    const payload = renderPush(message, deps.appUrl, notificationTag(event.id));
    for (const { endpoint } of subscriptions) rows.push({ ...common, channel: "push", recipient: endpoint, content: { payload, topic: pushTopic(event.id) } });
  }
  const queued = await queueDeliveries(trx, rows);
  context.logger.info(rows.length === 0 ? "nobody to notify (no address, no push subscription)" : "notifications queued", {
    user_id: userId,
    template: template.name,
    locale: contact.locale,
    queued,
    channels: rows.map((row) => row.channel),
  });
}
