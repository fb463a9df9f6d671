/**
 * The one way adapters call a provider: JSON over fetch with a deadline. A
 * transport failure or a 5xx is BAD_GATEWAY (the caller may retry); the body of
 * a 4xx is returned so the adapter can read the provider's error code.
 */
import { AppError } from "../../../../shared/errors.ts";

export type FetchLike = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

export interface JsonCall {
  method: "GET" | "POST";
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
}

export async function callJson(fetchFn: FetchLike, provider: string, call: JsonCall): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetchFn(call.url, {
      method: call.method,
      headers: { accept: "application/json", ...(call.body === undefined ? {} : { "content-type": "application/json" }), ...call.headers },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal: AbortSignal.timeout(call.timeoutMs),
    });
  } catch (error) {
    throw new AppError("BAD_GATEWAY", `${provider}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = await response.text();
  if (response.status >= 500) throw new AppError("BAD_GATEWAY", `${provider}: HTTP ${response.status}`);
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    throw new AppError("BAD_GATEWAY", `${provider}: HTTP ${response.status} with a body that is not JSON`);
  }
  return { status: response.status, body };
}

/** Lower-case hex of bytes. */
export function toHex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Compares two strings without an early exit, so a forged signature learns nothing from timing. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  let difference = left.length ^ right.length;
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    difference |= (left[index] ?? 0) ^ (right[index] ?? 0);
  }
  return difference === 0;
}

/** Reads a callback body once, refusing what is not a JSON object. */
export async function readCallbackJson(request: Request, provider: string): Promise<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await request.text());
  } catch {
    throw new AppError("PAYMENT_CALLBACK_INVALID", `${provider}: the callback body is not JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new AppError("PAYMENT_CALLBACK_INVALID", `${provider}: the callback body is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}
