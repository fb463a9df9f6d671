/**
 * `GET|HEAD /playback/media/<object key>?u=&l=&e=&s=`: the signed media URL
 * from GET /stream (or an ad). The URL is the credential — players cannot add
 * headers to an <audio> source — checked in this order: signature, expiry,
 * caller (a bearer token of someone else is refused), stream lease. Then HTTP
 * semantics: ETag/If-None-Match, a single Range (suffix and open-ended too),
 * 416 past the end. Bytes come from the edge cache (Cache API, keyed by the
 * object and its ETag, never the signature) or R2, which then fills the cache.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { z } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import type { MediaBucket, MediaObjectInfo } from "../media-bucket.ts";
import { mediaPath, mediaPathPrefix, verifyMediaUrl, type MediaUrlClaims } from "../media-url.ts";
import { noneMatch, parseRange, rangeStillValid, type ByteRange } from "../range.ts";
import { problemContent } from "../schemas.ts";
import { playbackServices, type PlaybackServices } from "../services.ts";

// Deliberate isolate caches: object metadata for a few seconds (saves a bucket
// round trip per Range request of one play), and the cache fills in flight.
const infoTtlMs = 30_000;
const infoCacheLimit = 2_000;
const infos = new Map<string, { info: MediaObjectInfo; at: number }>();
const filling = new Set<string>();

async function objectInfo(bucket: MediaBucket, key: string): Promise<MediaObjectInfo | null> {
  const cached = infos.get(key);
  if (cached && Date.now() - cached.at < infoTtlMs) return cached.info;
  const info = await bucket.head(key);
  if (infos.size >= infoCacheLimit) infos.clear();
  if (info) infos.set(key, { info, at: Date.now() });
  else infos.delete(key);
  return info;
}

function edgeCache(): Cache | null {
  return (globalThis as { caches?: { default?: Cache } }).caches?.default ?? null;
}

async function fromCache(cache: Cache, cacheKey: string, range: ByteRange, size: number): Promise<ReadableStream | null> {
  const partial = range.kind === "partial";
  const hit = await cache.match(new Request(cacheKey, partial ? { headers: { range: `bytes=${range.start}-${range.end}` } } : {}));
  if (!hit) return null;
  // Trusted only when the cache answered exactly what we computed; anything else is read from the bucket.
  const exact = partial ? hit.status === 206 && hit.headers.get("content-range") === `bytes ${range.start}-${range.end}/${size}` : hit.status === 200;
  if (exact && hit.body) return hit.body;
  await hit.body?.cancel().catch(() => undefined);
  return null;
}

function fillCache(c: Context<GatewayEnv>, cache: Cache, cacheKey: string, bucket: MediaBucket, key: string, info: MediaObjectInfo): void {
  if (filling.has(cacheKey)) return;
  filling.add(cacheKey);
  const task = (async () => {
    try {
      const body = await bucket.readAll(key);
      if (!body) return;
      const headers = { "content-type": info.contentType, "content-length": String(info.size), etag: info.etag, "cache-control": "public, max-age=86400" };
      await cache.put(cacheKey, new Response(body, { headers }));
    } catch (error) {
      c.get("log").warn("media cache fill failed", { object_key: key, error });
    } finally {
      filling.delete(cacheKey);
    }
  })();
  try {
    c.executionCtx.waitUntil(task);
  } catch {
    // No execution context (app.request in tests, Deno): the task runs on its own.
  }
}

async function checkAccess(c: Context<GatewayEnv>, playback: PlaybackServices): Promise<MediaUrlClaims> {
  const verified = await verifyMediaUrl(playback.signer, new URL(c.req.url));
  // One answer for every forged URL: the wire never says which part failed.
  if (!verified.ok && verified.reason === "expired") throw new AppError("MEDIA_URL_EXPIRED", "The media URL has expired; ask GET /stream/{id} again with the same play_id.");
  if (!verified.ok) throw new AppError("MEDIA_URL_INVALID", "The media URL is invalid.");
  const { claims } = verified;
  const principal = c.get("principal");
  if (principal && principal.userId !== claims.userId) throw new AppError("MEDIA_URL_INVALID", "The media URL was issued to another listener.");
  if (claims.leaseId) {
    if (!playback.leases) throw new AppError("SERVICE_UNAVAILABLE", "Streaming is not configured on this server (no session store).");
    if (!(await playback.leases.forUser(claims.userId).isStreamLeaseActive(claims.leaseId))) {
      throw new AppError("STREAM_TAKEN_OVER", "This account started playing on another device; only one device streams at a time. Start playback here again to take it back.");
    }
  }
  return claims;
}

async function serveMedia(c: Context<GatewayEnv>): Promise<Response> {
  const playback = await playbackServices(c);
  if (!playback.bucket) throw new AppError("ROUTE_NOT_FOUND", "Media is served by the S3 bucket on this server.");
  const { objectKey } = await checkAccess(c, playback);
  return serveMediaObject(c, playback.bucket, objectKey);
}

/**
 * The bytes of one object with HTTP semantics (ETag, a single Range, 416) from
 * the edge cache or the bucket. Callers have checked the listener may have them:
 * the signed media URL above, or the Subsonic `stream` endpoint (whose players
 * cannot follow a redirect to a signed URL).
 */
export async function serveMediaObject(c: Context<GatewayEnv>, bucket: MediaBucket, objectKey: string): Promise<Response> {
  const info = await objectInfo(bucket, objectKey);
  if (!info) throw new AppError("NOT_FOUND", "The media object does not exist.");

  const headers = new Headers({
    "content-type": info.contentType,
    etag: info.etag,
    "accept-ranges": "bytes",
    // The URL is per listener; revalidating with If-None-Match is cheap.
    "cache-control": "private, no-cache",
    "x-content-type-options": "nosniff",
  });
  if (noneMatch(c.req.header("if-none-match"), info.etag)) return new Response(null, { status: 304, headers });
  const range = rangeStillValid(c.req.header("if-range"), info.etag) ? parseRange(c.req.header("range"), info.size) : ({ kind: "full" } as const);
  if (range.kind === "unsatisfiable") {
    throw new AppError("RANGE_NOT_SATISFIABLE", `The object has ${info.size} bytes.`, { headers: { "content-range": `bytes */${info.size}`, "accept-ranges": "bytes" } });
  }
  const [offset, length] = range.kind === "partial" ? [range.start, range.end - range.start + 1] : [0, info.size];
  headers.set("content-length", String(length));
  if (range.kind === "partial") headers.set("content-range", `bytes ${range.start}-${range.end}/${info.size}`);
  const status = range.kind === "partial" ? 206 : 200;
  if (c.req.method === "HEAD") return new Response(null, { status, headers });

  const cache = edgeCache();
  const cacheKey = `${new URL(c.req.url).origin}${mediaPath(objectKey)}?v=${encodeURIComponent(info.etag.replaceAll('"', ""))}`;
  let body = cache ? await fromCache(cache, cacheKey, range, info.size) : null;
  headers.set("x-edge-cache", body ? "HIT" : "MISS");
  if (!body) {
    body = await bucket.read(objectKey, { offset, length });
    if (!body) throw new AppError("NOT_FOUND", "The media object does not exist.");
    if (cache) fillCache(c, cache, cacheKey, bucket, objectKey, info);
  }
  return new Response(body, { status, headers });
}

export function registerMedia(app: OpenAPIHono<GatewayEnv>): void {
  // Keys contain slashes, which OpenAPI path parameters cannot: a wildcard route, documented below.
  app.all(`${mediaPathPrefix}*`, async function media(c) {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      throw new AppError("METHOD_NOT_ALLOWED", `${c.req.method} is not allowed on media; use GET or HEAD.`, { headers: { allow: "GET, HEAD" } });
    }
    return serveMedia(c);
  });
  const query = z.object({
    u: z.uuid().openapi({ description: "The listener the URL was issued to (signed)." }),
    l: z.string().optional().openapi({ description: "Stream lease (signed); absent for ads." }),
    e: z.string().openapi({ description: "Expiry, Unix seconds (signed)." }),
    s: z.string().openapi({ description: "HMAC-SHA256 signature." }),
  });
  const params = z.object({ key: z.string().openapi({ param: { name: "key", in: "path" }, description: "The object key (may contain slashes)." }) });
  for (const method of ["get", "head"] as const) {
    app.openAPIRegistry.registerPath({
      method,
      path: `${mediaPathPrefix}{key}`,
      tags: ["playback"],
      summary: method === "get" ? "Media bytes of a signed URL (Range supported)" : "Media headers of a signed URL",
      description: "The URL from GET /stream/{id} is the credential. Supports Range (one range, suffix ranges), If-None-Match and If-Range.",
      request: { params, query },
      responses: {
        200: { description: "The whole object" },
        206: { description: "The requested range" },
        304: { description: "Not modified (If-None-Match)" },
        403: { description: "Invalid, tampered, expired or another listener's URL (media-url-invalid, media-url-expired)", content: problemContent },
        404: { description: "The object does not exist", content: problemContent },
        409: { description: "The account's stream moved to another device (stream-taken-over)", content: problemContent },
        416: { description: "The range starts past the end", content: problemContent },
      },
    });
  }
}
