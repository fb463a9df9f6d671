/**
 * The refresh token for browsers (OAuth 2.0 for Browser-Based Apps): a client
 * that sends `X-Token-Transport: cookie` gets its refresh token in an
 * `HttpOnly; Secure; SameSite=Strict` cookie scoped to /auth, never in the
 * body, so script on the page cannot read it; the access token stays in the
 * app's memory. CSRF: the cookie is only read when the same custom header is
 * present, which a cross-site form cannot send and a cross-origin script could
 * only send after a CORS preflight this API never allows.
 */
import type { Context } from "hono";
import { getCookie, setCookie, deleteCookie } from "hono/cookie";
import type { GatewayEnv } from "../platform/edge/context.ts";
import type { TokenResponse } from "./sessions.ts";

export const refreshCookieName = "tunec_refresh";
const cookiePath = "/auth";

export function wantsCookieTransport(c: Context<GatewayEnv>): boolean {
  return c.req.header("x-token-transport")?.toLowerCase() === "cookie";
}

/** The body to send: with cookie transport the refresh token moves into the cookie. */
export function deliverTokens<T extends TokenResponse>(c: Context<GatewayEnv>, tokens: T): T | Omit<T, "refresh_token"> {
  if (!wantsCookieTransport(c)) return tokens;
  const { refresh_token: _inCookie, ...rest } = tokens;
  setRefreshCookie(c, tokens);
  return rest;
}

/** Puts the refresh token in its cookie (the web app's sign-in with a provider, which has no header to send). */
export function setRefreshCookie(c: Context<GatewayEnv>, tokens: Pick<TokenResponse, "refresh_token" | "refresh_token_expires_at">): void {
  setCookie(c, refreshCookieName, tokens.refresh_token, {
    path: cookiePath,
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
    expires: new Date(tokens.refresh_token_expires_at),
  });
}

/** The refresh token from the body, or (only with the transport header) from the cookie. */
export function presentedRefreshToken(c: Context<GatewayEnv>, fromBody: string | undefined): string | undefined {
  if (fromBody) return fromBody;
  return wantsCookieTransport(c) ? getCookie(c, refreshCookieName) : undefined;
}

export function clearRefreshCookie(c: Context<GatewayEnv>): void {
  if (wantsCookieTransport(c)) deleteCookie(c, refreshCookieName, { path: cookiePath, httpOnly: true, secure: true, sameSite: "Strict" });
}

/** The Set-Cookie that drops a dead refresh cookie, for an error answer (problems carry their own headers). */
export const expiredRefreshCookie = `${refreshCookieName}=; Max-Age=0; Path=${cookiePath}; HttpOnly; Secure; SameSite=Strict`;
