/**
 * T-Bank's request and notification signature ("Token"): the root-level
 * scalar fields (nested objects such as DATA and Receipt do not count) plus
 * {Password}, sorted by key, values concatenated, SHA-256, lower-case hex.
 * https://developer.tbank.ru/eacq/intro/developer/token
 */
import { toHex } from "../http.ts";

export async function tbankToken(fields: Record<string, unknown>, password: string): Promise<string> {
  const pairs: Array<[string, string]> = [["Password", password]];
  for (const [key, value] of Object.entries(fields)) {
    if (key === "Token" || value === undefined || value === null) continue;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") pairs.push([key, String(value)]);
  }
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(pairs.map(([, value]) => value).join("")));
  return toHex(digest);
}

/** A request body with TerminalKey and its Token. */
export async function signTbankRequest<T extends Record<string, unknown>>(
  body: T,
  terminalKey: string,
  password: string,
): Promise<T & { TerminalKey: string; Token: string }> {
  const withKey = { TerminalKey: terminalKey, ...body };
  return { ...withKey, Token: await tbankToken(withKey, password) };
}
