/**
 * `/internal/objects/{key}`: the origin's way into the Worker's R2 bucket
 * when that bucket is miniflare's local one (`npm start`). Off unless
 * STORAGE_INTERNAL_TOKEN is set; in production the origin uses R2's S3 API.
 * Registered as an ALL route outside the OpenAPI document: it is not public,
 * and keys contain slashes, which OpenAPI path parameters cannot.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { AppError } from "../../../shared/errors.ts";
import { InvalidObjectKeyError } from "../../../shared/storage/object-store.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { ingestionServices } from "../services.ts";

const prefix = "/internal/objects/";

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/** Compares digests, so the time taken says nothing about the token. */
async function sameToken(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

function keyOf(c: Context<GatewayEnv>): string {
  const path = new URL(c.req.url).pathname;
  try {
    return path.slice(prefix.length).split("/").map(decodeURIComponent).join("/");
  } catch {
    throw new AppError("BAD_REQUEST", "The object key is not valid percent-encoding.");
  }
}

export function registerInternalObjects(app: OpenAPIHono<GatewayEnv>): void {
  app.all(`${prefix}*`, async function internalObjects(c) {
    const ingestion = await ingestionServices(c);
    const token = /^Bearer (.+)$/.exec(c.req.header("x-internal-authorization") ?? c.req.header("authorization") ?? "")?.[1];
    if (!ingestion.internalToken) throw new AppError("ROUTE_NOT_FOUND", "No such route.");
    if (!token || !(await sameToken(token, ingestion.internalToken))) throw new AppError("FORBIDDEN", "Internal endpoint.");
    const key = keyOf(c);
    try {
      switch (c.req.method) {
        case "GET":
        case "HEAD": {
          const object = c.req.method === "HEAD" ? await ingestion.store.head(key) : await ingestion.store.get(key);
          if (!object) return c.body(null, 404);
          const headers: Record<string, string> = { "x-object-size": String(object.size), "cache-control": "no-store" };
          if (object.contentType) headers["content-type"] = object.contentType;
          if (object.etag) headers.etag = object.etag;
          if ("body" in object && object.body instanceof ReadableStream)
            return new Response(object.body, { status: 200, headers: { ...headers, "content-length": String(object.size) } });
          return new Response(null, { status: 200, headers });
        }
        case "PUT": {
          const size = Number(c.req.header("x-object-size") ?? c.req.header("content-length"));
          if (!Number.isSafeInteger(size) || size < 0) throw new AppError("BAD_REQUEST", "x-object-size is required.");
          const contentType = c.req.header("content-type");
          const body = c.req.raw.body ?? new Uint8Array();
          const stored = await ingestion.store.put(key, size === 0 ? new Uint8Array() : body, { contentLength: size, ...(contentType ? { contentType } : {}) });
          return c.json(stored, 200);
        }
        case "DELETE":
          await ingestion.store.delete(key);
          return c.body(null, 204);
        default:
          throw new AppError("METHOD_NOT_ALLOWED", "GET, HEAD, PUT or DELETE.");
      }
    } catch (error) {
      if (error instanceof InvalidObjectKeyError) throw new AppError("BAD_REQUEST", "Invalid object key.");
      throw error;
    }
  });
}
