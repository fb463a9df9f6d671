/**
 * Event ids derived from a play, so a retried request yields the same event
 * (and the same outbox row, a no-op the second time) instead of a second one.
 */
import type { PlayEventContext } from "./stream-lease.ts";

/** Namespace of playback event ids (a random v4, fixed forever). */
const playbackNamespace = "6f1c0a52-3d8e-4b8f-9a41-0c5e2b7d9e13";

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** RFC 9562 name-based uuid (version 5, SHA-1) with WebCrypto. */
export async function uuidV5(name: string, namespace: string): Promise<string> {
  const ns = Uint8Array.from(namespace.replaceAll("-", "").match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
  const input = new Uint8Array([...ns, ...new TextEncoder().encode(name)]);
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-1", input)).slice(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const h = hex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The id of a play's PlaybackStarted or PlaybackFinished event; the user is part of it, as play ids come from clients. */
export function playEventId(userId: string, playId: string, kind: "started" | "finished"): Promise<string> {
  return uuidV5(`${userId}/${playId}/${kind}`, playbackNamespace);
}

/** Everything the Session DO needs to write a play's events, computed before it is called. */
export async function playEventContext(userId: string, playId: string, traceparent: string | null): Promise<PlayEventContext> {
  const [startedEventId, finishedEventId] = await Promise.all([playEventId(userId, playId, "started"), playEventId(userId, playId, "finished")]);
  return { userId, traceparent, startedEventId, finishedEventId };
}
