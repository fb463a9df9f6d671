/** Helpers for the playback tests in workerd (not shipped code paths). */
import { env, runDurableObjectAlarm, runInDurableObject, SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { sql } from "kysely";
import { createLogger } from "../../shared/logger.ts";
import { setPremium } from "../auth/accounts.ts";
import { strongPassword, uniqueEmail, type Tokens } from "../auth/testing.ts";
import { createWorkerAuth } from "../auth/worker-services.ts";
import { createGatewayApp } from "../gateway/app.ts";
import { createEdgeDatabase } from "../platform/edge-database.ts";
import { createMediaUrlSigner, mediaSigningKey, type MediaUrlSigner } from "./media-url.ts";

export const base = "https://tunec.test";
export type Send = (path: string, init?: RequestInit) => Promise<Response>;
export const viaSelf: Send = (path, init) => SELF.fetch(path.startsWith("http") ? path : `${base}${path}`, init);

export async function withDb<T>(work: (db: ReturnType<typeof createEdgeDatabase>) => Promise<T>): Promise<T> {
  const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

/** Deterministic bytes (xorshift), so any range can be checked against the source. */
export function pattern(size: number, seed: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  let x = seed | 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

export interface SeededTrack {
  trackId: string;
  standardKey: string;
  highKey: string;
  standard: Uint8Array<ArrayBuffer>;
  high: Uint8Array<ArrayBuffer>;
  durationMs: number;
}

/** A published track with both renditions in R2 (distinct bytes), plus a draft and a taken-down one. */
export async function seedTracks(): Promise<{ published: SeededTrack; draftId: string; takenDownId: string }> {
  return withDb(async (db) => {
    const artist = await db
      .insertInto("catalog.artists")
      .values({ name: `Плеер ${crypto.randomUUID().slice(0, 6)}` })
      .returning("id")
      .executeTakeFirstOrThrow();
    const track = (status: "published" | "draft" | "taken_down") => ({
      title: `Трек ${status}`,
      artist_id: artist.id,
      duration_ms: 180_000,
      status,
      published_at: status === "draft" ? null : new Date(),
    });
    const [published, draft, takenDown] = await db
      .insertInto("catalog.tracks")
      .values([track("published"), track("draft"), track("taken_down")])
      .returning("id")
      .execute();
    if (!published || !draft || !takenDown) throw new Error("tracks not inserted");
    const trackId = published.id;
    const standardKey = `tracks/${trackId}/standard.m4a`;
    const highKey = `tracks/${trackId}/high.m4a`;
    const standard = pattern(96 * 1024 + 17, 7);
    const high = pattern(192 * 1024 + 5, 11);
    await env.MEDIA.put(standardKey, standard, { httpMetadata: { contentType: "audio/mp4" } });
    await env.MEDIA.put(highKey, high, { httpMetadata: { contentType: "audio/mp4" } });
    const rendition = (quality: "standard" | "high", key: string, size: number) => ({
      track_id: trackId,
      quality,
      codec: "aac" as const,
      bitrate_kbps: quality === "high" ? 256 : 128,
      object_key: key,
      size_bytes: size,
      loudness_lufs: "-14.20",
    });
    await db
      .insertInto("catalog.renditions")
      .values([rendition("standard", standardKey, standard.byteLength), rendition("high", highKey, high.byteLength)])
      .execute();
    return { published: { trackId, standardKey, highKey, standard, high, durationMs: 180_000 }, draftId: draft.id, takenDownId: takenDown.id };
  });
}

export interface Listener {
  email: string;
  userId: string;
  token: string;
  sessionId: string;
}

async function post<T>(send: Send, path: string, body: unknown, status: number): Promise<T> {
  const response = await send(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (response.status !== status) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return response.json<T>();
}

/** Signs in an existing account (another device when called again). */
export async function signInAs(send: Send, email: string, device: string): Promise<Listener> {
  const response = await send("/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json", "x-device-name": device },
    body: JSON.stringify({ email, password: strongPassword }),
  });
  if (response.status !== 200) throw new Error(`login answered ${response.status}: ${await response.text()}`);
  const tokens = await response.json<Tokens>();
  return { email, userId: String(decodeJwt(tokens.access_token).sub), token: tokens.access_token, sessionId: tokens.session_id };
}

/** A listener account; premium ones get their claim through a refresh, as real ones do. */
export async function signUpListener(send: Send, premium: boolean): Promise<Listener> {
  const email = uniqueEmail(premium ? "premium" : "free");
  await post(send, "/auth/register", { email, password: strongPassword }, 202);
  const listener = await signInAs(send, email, "phone");
  if (!premium) return listener;
  await withDb((db) => setPremium(db, listener.userId, true));
  const login = await post<Tokens>(send, "/auth/login", { email, password: strongPassword }, 200);
  return { ...listener, token: login.access_token, sessionId: login.session_id };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The gateway with a known media signing key (to forge and expire URLs), served through app.request. */
export async function playbackApp(overrides: {
  MEDIA_SIGNING_KEY: string;
  MEDIA_URL_TTL_SECONDS?: string;
}): Promise<{ request: Send; signer: MediaUrlSigner }> {
  const bindings = { ...env, ...overrides };
  const auth = createWorkerAuth(bindings, createLogger({ service: "test" }, "error"));
  const app = createGatewayApp({
    logLevel: "error",
    services: () => {
      const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
      return { services: { db, auth }, release: () => db.destroy() };
    },
  });
  const signer = createMediaUrlSigner(await mediaSigningKey(overrides.MEDIA_SIGNING_KEY));
  return { request: async (path, init) => app.request(path.startsWith("http") ? path : `${base}${path}`, init, bindings), signer };
}

export interface StreamBody {
  play_id: string;
  track_id: string;
  quality: "standard" | "high";
  url: string;
  expires_at: string;
  size_bytes: number;
  taken_over: boolean;
}

export async function stream(send: Send, listener: Listener, trackId: string, query = ""): Promise<StreamBody> {
  const response = await send(`/stream/${trackId}${query ? `?${query}` : ""}`, { headers: bearer(listener.token) });
  if (response.status !== 200) throw new Error(`/stream answered ${response.status}: ${await response.text()}`);
  return response.json<StreamBody>();
}

export async function outboxRowsOfPlay(
  playId: string,
): Promise<Array<{ id: string; type: string; key: string; topic: string; data: Record<string, unknown> }>> {
  return withDb(async (db) => {
    const rows = await db
      .selectFrom("events.outbox")
      .select(["id", "type", "key", "topic", "event"])
      .where(sql<boolean>`event->'data'->>'playId' = ${playId}`)
      .orderBy("seq")
      .execute();
    return rows.map((row) => ({ id: row.id, type: row.type, key: row.key, topic: row.topic, data: row.event.data as Record<string, unknown> }));
  });
}

/**
 * The outbox rows of a play once its Session DO has relayed everything it
 * queued (so a count is final, not a snapshot of a relay in progress).
 */
export async function relayedOutboxRows(userId: string, playId: string, atLeast = 1): Promise<Awaited<ReturnType<typeof outboxRowsOfPlay>>> {
  const stub = env.SESSIONS.get(env.SESSIONS.idFromName(userId));
  const deadline = Date.now() + 15_000;
  for (;;) {
    const pending = await runInDurableObject(
      stub,
      (_instance, state) => state.storage.sql.exec<{ n: number }>("select count(*) as n from pending_events").one().n,
    );
    const rows = await outboxRowsOfPlay(playId);
    if (pending === 0 && rows.length >= atLeast) return rows;
    if (Date.now() > deadline) throw new Error(`play ${playId}: ${rows.length} outbox rows, ${pending} events still queued in the Session DO`);
    // The alarm relays on its own; running it here only makes the wait shorter.
    if (pending > 0) await runDurableObjectAlarm(stub);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
