/**
 * Identifiers derived from the event, so that a message sent twice (after a
 * crash between sending and recording it) is recognisably the same message:
 * mail systems and clients collapse equal Message-IDs, a push service keeps
 * one undelivered message per Topic, and a service worker replaces a shown
 * notification that has the same tag.
 */
import { createHash } from "node:crypto";

const digest = (text: string) => createHash("sha256").update(text).digest("base64url");

/** `<event-id.recipient-hash@domain>` (RFC 5322 msg-id). */
export function emailMessageId(eventId: string, recipient: string, domain: string): string {
  return `<${eventId}.${digest(recipient.toLowerCase()).slice(0, 12)}@${domain}>`;
}

/** The domain of "Name <address@domain>" or "address@domain". */
export function mailDomain(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  return address.slice(address.lastIndexOf("@") + 1).trim();
}

/** Web Push `Topic`: at most 32 characters of the URL-safe base64 alphabet (RFC 8030 §5.4). */
export function pushTopic(eventId: string): string {
  return digest(eventId).slice(0, 32);
}

export function notificationTag(eventId: string): string {
  return `tunec-${eventId}`;
}
