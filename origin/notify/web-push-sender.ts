/**
 * PushSender over Web Push (RFC 8030/8291/8292) with the `web-push` package:
 * it encrypts the payload (aes128gcm) and signs the VAPID JWT; we post the
 * request ourselves with fetch, which gives a per-request timeout through
 * AbortSignal and works against plain-HTTP endpoints in tests (web-push's own
 * sender speaks only https).
 */
import webpush from "web-push";
import { fetch as undiciFetch } from "undici";
import { assertPublicEndpoint, publicOnlyDispatcher } from "./push-address.ts";
import { DeliveryFailure, type PushOptions, type PushSender, type PushTarget } from "./ports.ts";

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  /** mailto: or https: contact the push service may use to reach us. */
  subject: string;
}

/** A fresh VAPID key pair (base64url), as `web-push generate-vapid-keys` makes. */
export function generateVapidKeys(): { publicKey: string; privateKey: string } {
  return webpush.generateVAPIDKeys();
}

function classify(status: number, body: string): DeliveryFailure {
  const message = `push service answered ${status}${body ? `: ${body.slice(0, 300)}` : ""}`;
  // RFC 8030 §7.3: 404/410 mean the subscription is gone for good.
  if (status === 404 || status === 410) return new DeliveryFailure("gone", message);
  if (status === 429 || status >= 500) return new DeliveryFailure("transient", message);
  // 400 malformed, 401/403 VAPID refused, 413 payload too large: the same request fails again.
  return new DeliveryFailure("permanent", message);
}

export interface WebPushSenderOptions {
  timeoutMs?: number;
  /** Development and tests only: post to loopback/private push services. Production never does. */
  allowPrivateAddresses?: boolean;
}

export function createWebPushSender(vapid: VapidKeys, options: WebPushSenderOptions = {}): PushSender {
  const timeoutMs = options.timeoutMs ?? 15_000;
  return {
    async send(target: PushTarget, payload: string, push: PushOptions) {
      const request = webpush.generateRequestDetails({ endpoint: target.endpoint, keys: target.keys }, payload, {
        vapidDetails: vapid,
        TTL: push.ttlSeconds,
        urgency: push.urgency,
        topic: push.topic,
        contentEncoding: "aes128gcm",
      });
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
      if (!options.allowPrivateAddresses) {
        try {
          await assertPublicEndpoint(request.endpoint);
        } catch (error) {
          // Refused for good: retrying cannot make the address public (DNS failures are transient).
          const notFound = error instanceof Error && "code" in error;
          throw new DeliveryFailure(notFound ? "transient" : "permanent", error instanceof Error ? error.message : String(error), { cause: error });
        }
      }
      let response: Awaited<ReturnType<typeof undiciFetch>>;
      try {
        response = await undiciFetch(request.endpoint, {
          // The connection itself re-checks the address it dials: no window for DNS rebinding.
          ...(options.allowPrivateAddresses ? {} : { dispatcher: publicOnlyDispatcher }),
          // A redirect could point anywhere (our own network included): push services never redirect.
          redirect: "manual",
          method: request.method,
          headers,
          // A copy in a plain ArrayBuffer-backed view: fetch's body type does not take a Node Buffer.
          body: request.body ? new Uint8Array(request.body) : null,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new DeliveryFailure("transient", `push service unreachable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      const body = await response.text().catch(() => "");
      if (response.status >= 300 && response.status < 400)
        throw new DeliveryFailure("permanent", `push service answered ${response.status} (a redirect; not followed)`);
      if (!response.ok) throw classify(response.status, body);
      // RFC 8030 §5: the Location header names the message resource the push service created.
      return { providerMessageId: response.headers.get("location") };
    },
  };
}
