import { z } from "@hono/zod-openapi";

export { bearerSecurity, problemContent } from "../auth/schemas.ts";

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** http(s) on localhost/127.0.0.1/[::1]: only local push services in development and tests use such endpoints. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  return loopbackHosts.has(new URL(endpoint).hostname);
}

/**
 * The push service URL the origin will POST to. Real push services are https
 * on public names; no IP literals, so the origin cannot be pointed at internal
 * addresses. Loopback passes here and is refused in production by the route.
 */
const endpointSchema = z
  .url({ error: "expected the subscription's endpoint URL" })
  .max(2048)
  .refine((value) => {
    if (!URL.canParse(value)) return true; // reported by z.url already
    const url = new URL(value);
    if (loopbackHosts.has(url.hostname)) return true;
    return url.protocol === "https:" && !/^[\d.]+$/.test(url.hostname) && !url.hostname.startsWith("[");
  }, "expected an https URL of a push service")
  .openapi({ example: "https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91b…" });

const base64url = (pattern: RegExp, message: string) =>
  z
    .string()
    .max(200)
    .transform((value) => value.replace(/=+$/, ""))
    .pipe(z.string().regex(pattern, message));

/** The browser's `PushSubscription.toJSON()`: keys are unpadded base64url. */
export const pushSubscriptionRequest = z
  .object({
    endpoint: endpointSchema,
    expirationTime: z
      .number()
      .int()
      .positive()
      .nullable()
      .optional()
      .openapi({ description: "When the browser will drop it (ms since the epoch), if it says." }),
    keys: z.object({
      p256dh: base64url(/^B[A-Za-z0-9_-]{86}$/, "expected the base64url of an uncompressed P-256 public key (65 bytes)").openapi({
        example: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
      }),
      auth: base64url(/^[A-Za-z0-9_-]{22}$/, "expected the base64url of a 16-byte auth secret").openapi({ example: "tBHItJI5svbpez7KI4CCXg" }),
    }),
  })
  .openapi("PushSubscriptionRequest");

export const unsubscribeRequest = z.object({ endpoint: z.string().min(1).max(2048) }).openapi("PushUnsubscribeRequest");

export const pushSubscriptionView = z
  .object({
    id: z.uuid(),
    endpoint: z.string(),
    expiration_time: z.string().nullable().openapi({ format: "date-time" }),
    user_agent: z.string().nullable(),
    created_at: z.string().openapi({ format: "date-time" }),
    updated_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("PushSubscription");
