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
import { serveMediaObject } from "../media-object.ts";
import { mediaPathPrefix, verifyMediaUrl, type MediaUrlClaims } from "../media-url.ts";
import { problemContent } from "../schemas.ts";
import { playbackServices, type PlaybackServices } from "../services.ts";

async function checkAccess(c: Context<GatewayEnv>, playback: PlaybackServices): Promise<MediaUrlClaims> {
  const verified = await verifyMediaUrl(playback.signer, new URL(c.req.url));
  // One answer for every forged URL: the wire never says which part failed.
  if (!verified.ok && verified.reason === "expired")
    throw new AppError("MEDIA_URL_EXPIRED", "The media URL has expired; ask GET /stream/{id} again with the same play_id.");
  if (!verified.ok) throw new AppError("MEDIA_URL_INVALID", "The media URL is invalid.");
  const { claims } = verified;
  const principal = c.get("principal");
  if (principal && principal.userId !== claims.userId) throw new AppError("MEDIA_URL_INVALID", "The media URL was issued to another listener.");
  if (claims.leaseId) {
    if (!playback.leases) throw new AppError("SERVICE_UNAVAILABLE", "Streaming is not configured on this server (no session store).");
    if (!(await playback.leases.forUser(claims.userId).isStreamLeaseActive(claims.leaseId))) {
      throw new AppError(
        "STREAM_TAKEN_OVER",
        "This account started playing on another device; only one device streams at a time. Start playback here again to take it back.",
      );
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
