/**
 * NOWPayments IPN signature: HMAC-SHA512 with the IPN secret over the body
 * re-serialised with its keys sorted, lower-case hex, in `x-nowpayments-sig`.
 * https://documenter.getpostman.com/view/7907941/2s93JusNJt (Instant payment notifications)
 */
import { toHex } from "../http.ts";

/** The body with every object's keys in sorted order, as NOWPayments signs it. */
export function sortedJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, sortKeys(record[key])]),
  );
}

export async function ipnSignature(body: unknown, ipnSecret: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(ipnSecret), { name: "HMAC", hash: "SHA-512" }, false, ["sign"]);
  return toHex(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(sortedJson(body))));
}
