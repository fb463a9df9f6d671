/**
 * Who a Subsonic request is, from its parameters. Two mechanisms, never the
 * account password (which stays argon2id-only and works at /auth/login alone):
 * - `apiKey` (OpenSubsonic apiKeyAuthentication): with `u`, `p`, `t` or `s`
 *   alongside it is error 43; an unknown or revoked key is 44.
 * - `u` (the account's email) with an app password, as `t` + `s`
 *   (t = md5(password + salt)) or `p` (plain or `enc:` hex): a wrong one is 40.
 * The answers never say whether an account exists.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import { accountByApiKey, accountByAppPassword, type SubsonicAccount } from "./credentials.ts";
import { SubsonicError, errorCodes } from "./envelope.ts";
import type { SubsonicParams } from "./params.ts";
import { decodeLegacyPassword, timingSafeEqual, tokenMatches } from "./secrets.ts";

export const apiKeyHelpUrl = "https://tunec.dev/docs/subsonic#api-keys";

function wrongCredentials(): SubsonicError {
  return new SubsonicError(errorCodes.wrongCredentials, "Wrong username or password.", apiKeyHelpUrl);
}

export async function authenticateSubsonic(db: Kysely<Database>, appPasswordKey: () => Promise<CryptoKey>, params: SubsonicParams): Promise<SubsonicAccount> {
  const apiKey = params.get("apiKey");
  const username = params.get("u");
  const password = params.get("p");
  const token = params.get("t");
  const salt = params.get("s");
  if (apiKey !== undefined) {
    if (username !== undefined || password !== undefined || token !== undefined || salt !== undefined) {
      throw new SubsonicError(errorCodes.conflictingAuth, "Multiple conflicting authentication mechanisms provided: send apiKey alone.");
    }
    // Longer than any key TUNEC issues: not worth a database round trip.
    const account = apiKey.length <= 128 ? await accountByApiKey(db, apiKey) : undefined;
    if (!account) throw new SubsonicError(errorCodes.invalidApiKey, "Invalid API key.", apiKeyHelpUrl);
    return account;
  }
  if (username === undefined || username === "")
    throw new SubsonicError(errorCodes.missingParameter, "Required parameter is missing: apiKey, or u with t and s (or p).");
  if (username.length > 254) throw wrongCredentials();
  if (token !== undefined || salt !== undefined) {
    if (password !== undefined)
      throw new SubsonicError(errorCodes.conflictingAuth, "Multiple conflicting authentication mechanisms provided: send t and s, or p.");
    if (token === undefined || salt === undefined)
      throw new SubsonicError(errorCodes.missingParameter, `Required parameter is missing: ${token === undefined ? "t" : "s"}`);
    // The spec asks clients for salts of six characters or more; shorter ones are the client's risk, not a reason to lock it out.
    if (!/^[0-9a-fA-F]{32}$/.test(token) || salt.length === 0 || salt.length > 128) throw wrongCredentials();
    const account = await accountByAppPassword(db, await appPasswordKey(), username, (plain) => tokenMatches(plain, salt, token));
    if (!account) throw wrongCredentials();
    return account;
  }
  if (password === undefined) throw new SubsonicError(errorCodes.missingParameter, "Required parameter is missing: t and s, or p.");
  const plain = decodeLegacyPassword(password);
  if (plain === null || plain.length > 128) throw wrongCredentials();
  const account = await accountByAppPassword(db, await appPasswordKey(), username, (candidate) => timingSafeEqual(candidate, plain));
  if (!account) throw wrongCredentials();
  return account;
}
