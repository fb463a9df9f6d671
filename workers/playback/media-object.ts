/**
 * The bytes of a media object with HTTP semantics, shared by the signed media
 * URL route and the Subsonic `stream`/`download` endpoints: object metadata
 * cached briefly per isolate, the edge cache (Cache API, keyed by the object and
 * its ETag, never a signature) in front of the bucket.
 */
import type { Context } from "hono";
import { AppError } from "../../shared/errors.ts";
import type { GatewayEnv } from "../platform/edge/context.ts";
import type { MediaBucket, MediaObjectInfo } from "./media-bucket.ts";
import { mediaPath } from "./media-url.ts";
import { noneMatch, parseRange, rangeStillValid, type ByteRange } from "./range.ts";

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
    throw new AppError("RANGE_NOT_SATISFIABLE", `The object has ${info.size} bytes.`, {
      headers: { "content-range": `bytes */${info.size}`, "accept-ranges": "bytes" },
    });
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
