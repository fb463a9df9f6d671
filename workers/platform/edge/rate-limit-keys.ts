import type { RateDecision, RatePolicy } from "../../../durable-objects/rate-limiter/client.ts";

/**
 * The address a client is limited by. On Cloudflare `CF-Connecting-IP` is set
 * by the edge and cannot be forged; elsewhere (wrangler dev, a test, a Deno
 * server behind a proxy) the proxy headers may be trusted instead. IPv6 clients
 * are limited per /64, the block one subscriber usually gets, so rotating
 * addresses inside it buys nothing.
 *
 * @example clientAddress(new Request("https://x", { headers: { "cf-connecting-ip": "2001:db8::1" } }), false) // "2001:db8:0:0::/64"
 */
export function clientAddress(request: Request, trustProxyHeaders: boolean): string {
  const headers = request.headers;
  let address = headers.get("cf-connecting-ip")?.trim();
  if (!address && trustProxyHeaders) {
    address = headers.get("x-forwarded-for")?.split(",")[0]?.trim() || headers.get("x-real-ip")?.trim();
  }
  if (!address) return "unknown";
  return address.includes(":") ? (ipv6Prefix64(address) ?? "invalid") : address.slice(0, 45);
}

function ipv6Prefix64(address: string): string | undefined {
  const bare = address.replace(/^\[|\]$/g, "").split("%")[0] ?? "";
  if (!/^[0-9a-f:.]+$/i.test(bare)) return undefined;
  const [head = "", tail] = bare.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = 8 - left.length - right.length;
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, missing)).fill("0"), ...right];
  const prefix = groups.slice(0, 4).map((group) => (Number.parseInt(group || "0", 16) || 0).toString(16));
  return `${prefix.join(":")}::/64`;
}

/**
 * `RateLimit-Policy: "login-ip";q=10;w=60` and `RateLimit: "login-ip";r=9;t=6`,
 * one list member per bucket the request was charged to.
 */
export function rateLimitHeaders(policies: readonly RatePolicy[], decisions: readonly RateDecision[]): Record<string, string> {
  return {
    "ratelimit-policy": policies.map((p) => `"${p.name}";q=${p.limit};w=${p.periodSeconds}`).join(", "),
    ratelimit: policies.map((p, i) => `"${p.name}";r=${decisions[i]?.remaining ?? 0};t=${decisions[i]?.resetSeconds ?? 0}`).join(", "),
  };
}
