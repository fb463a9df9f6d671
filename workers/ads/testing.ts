/** Helpers for the ads tests in workerd (not shipped code paths). */
import { env } from "cloudflare:test";
import { decodeJwt } from "jose";
import { createLogger } from "../../shared/logger.ts";
import { setPremium, setRoles } from "../auth/accounts.ts";
import { strongPassword, uniqueEmail, type Tokens } from "../auth/testing.ts";
import { createWorkerAuth } from "../auth/worker-services.ts";
import { createGatewayApp } from "../gateway/app.ts";
import { withDb } from "../ingestion/testing.ts";
import { createMediaUrlSigner, mediaSigningKey, verifyMediaUrl, type VerifiedMediaUrl } from "../playback/media-url.ts";
import { createEdgeDatabase } from "../platform/edge-database.ts";

export const base = "https://tunec.test";
/** The media URL key of the test app (base64 of 32 bytes). */
const mediaSigningKeyText = btoa(String.fromCharCode(...new Uint8Array(32).map((_, i) => i + 7)));

export interface AdsApp {
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Checks a media URL the way the media endpoint does. */
  verify(url: string): Promise<VerifiedMediaUrl>;
}

/** The gateway wired like the Worker, with a known media signing key, served through app.request. */
export function adsApp(): AdsApp {
  const bindings = { ...env, MEDIA_SIGNING_KEY: mediaSigningKeyText };
  const auth = createWorkerAuth(bindings, createLogger({ service: "test" }, "error"));
  const app = createGatewayApp({
    logLevel: "error",
    services: () => {
      const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
      return { services: { db, auth }, release: () => db.destroy() };
    },
  });
  const signer = mediaSigningKey(mediaSigningKeyText).then(createMediaUrlSigner);
  return {
    request: async (path, init) => app.request(path.startsWith("http") ? path : `${base}${path}`, init, bindings),
    verify: async (url) => verifyMediaUrl(await signer, new URL(url)),
  };
}

export interface Listener {
  userId: string;
  token: string;
}

async function post<T>(app: AdsApp, path: string, body: unknown, status: number): Promise<T> {
  const response = await app.request(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (response.status !== status) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return response.json<T>();
}

/** A signed-in account; `kind` admin or premium is applied in the database and picked up by a refresh. */
export async function signUpAs(app: AdsApp, kind: "free" | "premium" | "admin" = "free", locale?: string): Promise<Listener> {
  const email = uniqueEmail(kind);
  await post(app, "/auth/register", { email, password: strongPassword }, 202);
  const tokens = await post<Tokens>(app, "/auth/login", { email, password: strongPassword }, 200);
  const userId = String(decodeJwt(tokens.access_token).sub);
  await withDb(async (db) => {
    if (kind === "admin") await setRoles(db, userId, ["listener", "admin"]);
    if (kind === "premium") await setPremium(db, userId, true);
    if (locale) await db.insertInto("users.profiles").values({ user_id: userId, locale }).execute();
  });
  if (kind === "free") return { userId, token: tokens.access_token };
  const refreshed = await post<Tokens>(app, "/auth/refresh", { refresh_token: tokens.refresh_token }, 200);
  return { userId, token: refreshed.access_token };
}

export const bearer = (token: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });

export function sendJson(app: AdsApp, method: string, path: string, token: string, body: unknown): Promise<Response> {
  return app.request(path, { method, headers: bearer(token, { "content-type": "application/json" }), body: JSON.stringify(body) });
}

/** A word no other test uses, for genres that target only this test's campaigns. */
export function uniqueGenre(): string {
  return `genre-${crypto.randomUUID().slice(0, 8)}`;
}

/** The bytes of every test spot: an MP4 header is enough for the admin API's checks. */
export const spotBytes = new Uint8Array([0, 0, 0, 24, ...new TextEncoder().encode("ftypM4A "), 0, 0, 0, 0]);

/** Puts a tiny "spot" into the media bucket; returns its key. */
export async function putSpot(): Promise<string> {
  const key = `ads/test/${crypto.randomUUID()}.m4a`;
  await env.MEDIA.put(key, spotBytes, { httpMetadata: { contentType: "audio/mp4" } });
  return key;
}

export interface CampaignInput {
  name?: string;
  genres?: string[];
  languages?: string[];
  priority?: number;
  weight?: number;
  hourly_cap?: number;
  starts_at?: string;
  ends_at?: string | null;
  status?: "active" | "paused";
}

export interface CreatedCampaign {
  id: string;
  creativeId: string;
  audioKey: string;
}

/** A campaign with one creative, through the admin API. */
export async function createCampaign(app: AdsApp, admin: Listener, input: CampaignInput): Promise<CreatedCampaign> {
  const created = await sendJson(app, "POST", "/admin/ads/campaigns", admin.token, { name: input.name ?? "Test campaign", advertiser: "Tests", ...input });
  if (created.status !== 201) throw new Error(`create campaign answered ${created.status}: ${await created.text()}`);
  const campaign = await created.json<{ id: string }>();
  const audioKey = await putSpot();
  const creative = await sendJson(app, "POST", `/admin/ads/campaigns/${campaign.id}/creatives`, admin.token, {
    name: "Spot",
    audio_key: audioKey,
    duration_ms: 15_000,
    image_url: "https://cdn.example.com/banner.png",
    click_url: "https://shop.example.com/?utm=tunec",
  });
  if (creative.status !== 201) throw new Error(`create creative answered ${creative.status}: ${await creative.text()}`);
  return { id: campaign.id, creativeId: (await creative.json<{ id: string }>()).id, audioKey };
}

export async function pauseCampaign(app: AdsApp, admin: Listener, id: string): Promise<void> {
  const response = await sendJson(app, "PATCH", `/admin/ads/campaigns/${id}`, admin.token, { status: "paused" });
  if (response.status !== 200) throw new Error(`pause answered ${response.status}: ${await response.text()}`);
}

export interface AdBody {
  impression_id: string;
  campaign_id: string;
  creative_id: string;
  audio: { url: string; content_type: string; expires_at: string };
  image_url: string | null;
  click_url: string | null;
  duration_ms: number;
}

/** GET /ad: the ad, or null for 204; throws on anything else. */
export async function getAd(app: AdsApp, listener: Listener, query = "", headers: Record<string, string> = {}): Promise<AdBody | null> {
  const response = await app.request(`/ad${query}`, { headers: bearer(listener.token, headers) });
  if (response.status === 204) return null;
  if (response.status !== 200) throw new Error(`/ad answered ${response.status}: ${await response.text()}`);
  return response.json<AdBody>();
}
