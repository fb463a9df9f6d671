/**
 * The playback context's services at the edge, built from the Worker's
 * bindings once per isolate (the only playback file that reads bindings).
 * Ads reuse `mediaUrls` for creative audio.
 * @example
 * const { mediaUrls } = await playbackServices(c);
 * const { url, expiresAt } = await mediaUrls.issue({ origin: new URL(c.req.url).origin, userId, objectKey });
 */
import type { Context } from "hono";
import { ConfigError, parseConfig } from "../../shared/config.ts";
import { AppError } from "../../shared/errors.ts";
import type { GatewayEnv } from "../platform/edge/context.ts";
import type { WorkerBindings } from "../platform/bindings.ts";
import { playbackConfigSchema } from "./config.ts";
import { createR2MediaBucket, isMediaBucketBinding, type MediaBucket } from "./media-bucket.ts";
import { createMediaUrlSigner, mediaSigningKey, signMediaUrl, type MediaUrlIssuer, type MediaUrlSigner } from "./media-url.ts";
import type { StreamLeaseDirectory } from "./stream-lease.ts";

export interface PlaybackServices {
  storage: "r2" | "s3";
  mediaUrls: MediaUrlIssuer;
  /** Verifies URLs at the media endpoint (R2 mode). */
  signer: MediaUrlSigner;
  /** The bucket the media endpoint serves from; null in S3 mode (clients go to S3 directly). */
  bucket: MediaBucket | null;
  urlTtlSeconds: number;
  /** The Session Durable Objects (stream lease, plays); null where the runtime has none. */
  leases: StreamLeaseDirectory | null;
}

function leaseDirectory(namespace: unknown): StreamLeaseDirectory | null {
  if (typeof namespace !== "object" || namespace === null || typeof (namespace as { idFromName?: unknown }).idFromName !== "function") return null;
  const sessions = namespace as WorkerBindings["SESSIONS"];
  return { forUser: (userId) => sessions.get(sessions.idFromName(userId)) };
}

// A deliberate isolate cache, keyed by the bindings object like the gateway's app cache.
const cache = new WeakMap<object, Promise<PlaybackServices>>();

async function build(env: Record<string, unknown>, c: Context<GatewayEnv>): Promise<PlaybackServices> {
  const config = parseConfig(playbackConfigSchema, env);
  const signer = createMediaUrlSigner(await mediaSigningKey(config.MEDIA_SIGNING_KEY, config.UPLOAD_SIGNING_KEY));
  if (!config.MEDIA_SIGNING_KEY && !config.UPLOAD_SIGNING_KEY) {
    c.get("log").warn("MEDIA_SIGNING_KEY is not set: media URLs are signed with a key that dies with this isolate");
  }
  const ttl = config.MEDIA_URL_TTL_SECONDS;
  const leases = leaseDirectory(env.SESSIONS);
  if (config.MEDIA_STORAGE === "s3") {
    // Loaded only in S3 mode: the AWS SDK is large.
    const { s3MediaUrls } = await import("./s3-media.ts");
    return { storage: "s3", mediaUrls: s3MediaUrls(env, ttl), signer, bucket: null, urlTtlSeconds: ttl, leases };
  }
  const mediaUrls: MediaUrlIssuer = {
    issue: (input) => signMediaUrl(signer, { ...input, expiresInSeconds: input.expiresInSeconds ?? ttl }),
  };
  const bucket = isMediaBucketBinding(env.MEDIA) ? createR2MediaBucket(env.MEDIA) : null;
  return { storage: "r2", mediaUrls, signer, bucket, urlTtlSeconds: ttl, leases };
}

/** This request's playback services; 503 when misconfigured. */
export async function playbackServices(c: Context<GatewayEnv>): Promise<PlaybackServices> {
  const env: unknown = c.env;
  if (typeof env !== "object" || env === null) throw new AppError("SERVICE_UNAVAILABLE", "Playback is not configured on this server.");
  let services = cache.get(env);
  if (!services) {
    services = build(env as Record<string, unknown>, c);
    cache.set(env, services);
    services.catch(() => cache.delete(env));
  }
  try {
    return await services;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    c.get("log").error("invalid playback configuration", { issues: error.issues });
    throw new AppError("SERVICE_UNAVAILABLE", "Playback is misconfigured on this server; operators have been alerted.");
  }
}
