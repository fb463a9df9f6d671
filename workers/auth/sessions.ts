/**
 * Sessions: what a sign-in returns. Every sign-in (password or OAuth) opens a
 * token family in the user's Session DO and gets an access token plus a
 * refresh token. Refresh reads roles and is_premium fresh from auth.accounts,
 * so a changed claim (UserUpdated) reaches the very next access token.
 *
 * @example const tokens = await issueSession(auth, account, clientInfo(c.req.raw));
 */
import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import { AppError } from "../../shared/errors.ts";
import { findAccountById, type Account } from "./accounts.ts";
import { signAccessToken } from "./access-token.ts";
import { composeRefreshToken, parseRefreshToken } from "./refresh-token.ts";
import type { AuthServices } from "./services.ts";
import type { ClientInfo, RotateResult } from "./session-store.ts";

export type { ClientInfo } from "./session-store.ts";

/** The body of every successful sign-in and refresh (OAuth 2.0 token response shape). */
export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  refresh_token: string;
  refresh_token_expires_at: string;
  session_id: string;
}

/** Reads the client's description from the request; all of it is advisory, for the device list. */
export function clientInfo(request: Request): ClientInfo {
  const clip = (value: string | null, max: number) => (value ? value.slice(0, max) : null);
  return {
    device: clip(request.headers.get("x-device-name"), 100),
    userAgent: clip(request.headers.get("user-agent"), 300),
    ip: clip(request.headers.get("cf-connecting-ip") ?? request.headers.get("x-real-ip"), 45),
  };
}

async function tokenResponse(
  auth: AuthServices,
  account: Pick<Account, "id" | "roles" | "isPremium">,
  opened: { sessionId: string; secret: string; expiresAt: string },
): Promise<TokenResponse> {
  const { token, expiresIn } = await signAccessToken(await auth.keys(), auth.tokens, {
    userId: account.id,
    roles: account.roles,
    isPremium: account.isPremium,
    sessionId: opened.sessionId,
  });
  return {
    access_token: token,
    token_type: "Bearer",
    expires_in: expiresIn,
    refresh_token: composeRefreshToken(account.id, opened.secret),
    refresh_token_expires_at: opened.expiresAt,
    session_id: opened.sessionId,
  };
}

/** Opens a new session (token family) for an account that has just proven who it is. */
export async function issueSession(auth: AuthServices, account: Pick<Account, "id" | "roles" | "isPremium">, client: ClientInfo): Promise<TokenResponse> {
  const opened = await auth.sessions.forUser(account.id).open(client);
  return tokenResponse(auth, account, opened);
}

const invalidRefresh = () => new AppError("INVALID_REFRESH_TOKEN", "The refresh token is invalid, expired or revoked; sign in again.");

/**
 * Rotates a refresh token and re-issues claims from auth.accounts. Reusing a
 * spent refresh token revokes its family; every failure looks the same.
 */
export async function refreshSession(
  auth: AuthServices,
  db: Kysely<Database>,
  refreshToken: string,
  client: ClientInfo,
  log?: { warn(message: string, fields?: Record<string, unknown>): void },
): Promise<TokenResponse> {
  const parsed = parseRefreshToken(refreshToken);
  if (!parsed) throw invalidRefresh();
  const store = auth.sessions.forUser(parsed.userId);
  const rotated: RotateResult = await store.rotate(parsed.secret, client);
  if (!rotated.ok) {
    if (rotated.reason === "reused") log?.warn("refresh token reuse: family revoked", { user_id: parsed.userId });
    throw invalidRefresh();
  }
  const account = await findAccountById(db, parsed.userId);
  if (!account) {
    await store.revoke(rotated.sessionId);
    throw invalidRefresh();
  }
  return tokenResponse(auth, account, rotated);
}

/** Logout: revokes the family of a refresh token. Unknown tokens are not an error (idempotent). */
export async function revokeByRefreshToken(auth: AuthServices, refreshToken: string): Promise<void> {
  const parsed = parseRefreshToken(refreshToken);
  if (parsed) await auth.sessions.forUser(parsed.userId).revokeBySecret(parsed.secret);
}
