/**
 * The authorization-code flow with PKCE (S256), `state`, and `nonce` for
 * OpenID Connect providers, on oauth4webapi. The ID token's signature is
 * verified once more with jose against the provider's JWKS, with an algorithm
 * allow-list, although TLS to the token endpoint already vouches for it.
 */
import { errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import * as oauth from "oauth4webapi";
import { AppError } from "../../../shared/errors.ts";
import type { Logger } from "../../../shared/logger.ts";
import { authorizationServer, providerKeys } from "./authorization-server.ts";
import type { OAuthSettings, ProviderId, ProviderSettings } from "./config.ts";
import { clearFlow, sealFlow, type FlowSecrets } from "./flow-cookie.ts";
import { providerAdapters, type ExternalIdentity, type ProviderAdapter } from "./providers/index.ts";

const idTokenAlgorithms = ["RS256", "ES256", "EdDSA"];

/** The settings of an enabled provider; unknown and unconfigured ones are both 404. */
export function enabledProvider(settings: OAuthSettings | undefined, provider: string): { settings: OAuthSettings; id: ProviderId; config: ProviderSettings } {
  const config = settings?.providers[provider as ProviderId];
  if (!settings || !config || !(provider in providerAdapters)) {
    throw new AppError("NOT_FOUND", `Sign-in with ${provider.slice(0, 40)} is not enabled on this server.`);
  }
  return { settings, id: provider as ProviderId, config };
}

/** The same error, also removing the flow cookie (problem responses are built afresh). */
export function withSetCookie(error: AppError, cookie: string): AppError {
  return new AppError(error.code, error.detail, { ...error.extensions, headers: { ...error.extensions.headers, "set-cookie": cookie } });
}

function clientOf(config: ProviderSettings): oauth.Client {
  return { client_id: config.clientId };
}

function clientAuthOf(method: "client_secret_basic" | "client_secret_post" | "none", config: ProviderSettings): oauth.ClientAuth {
  if (method === "none") return oauth.None();
  const secret = config.clientSecret ?? "";
  return method === "client_secret_basic" ? oauth.ClientSecretBasic(secret) : oauth.ClientSecretPost(secret);
}

/** Builds the provider's authorization URL and the encrypted cookie holding this flow's secrets. */
export async function beginSignIn(
  settings: OAuthSettings,
  id: ProviderId,
  config: ProviderSettings,
  log: Logger,
  returnTo?: string,
): Promise<{ location: string; cookie: string }> {
  const adapter = providerAdapters[id];
  const server = await discover(adapter, config, settings, log);
  if (!server.authorization_endpoint) throw new AppError("BAD_GATEWAY", "The provider publishes no authorization endpoint.");
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = adapter.kind === "oidc" ? oauth.generateRandomNonce() : undefined;
  const url = new URL(server.authorization_endpoint);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", config.clientId);
  url.searchParams.set("redirect_uri", config.redirectUri);
  url.searchParams.set("scope", adapter.scope);
  url.searchParams.set("state", state);
  url.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(codeVerifier));
  url.searchParams.set("code_challenge_method", "S256");
  if (nonce) url.searchParams.set("nonce", nonce);
  const cookie = await sealFlow({ provider: id, state, codeVerifier, ...(nonce ? { nonce } : {}), ...(returnTo ? { returnTo } : {}) }, await settings.stateKey);
  return { location: url.href, cookie };
}

/**
 * Checks the callback against the flow cookie, redeems the code and reads the
 * identity. Every verification failure gives the same answer; the log says which.
 */
export async function completeSignIn(input: {
  settings: OAuthSettings;
  id: ProviderId;
  config: ProviderSettings;
  callbackUrl: URL;
  /** The flow cookie, opened once by the caller (openFlow): null when absent, expired or forged. */
  flow: FlowSecrets | null;
  log: Logger;
}): Promise<{ identity: ExternalIdentity; clearCookie: string }> {
  const { settings, id, config, log, flow } = input;
  const adapter = providerAdapters[id];
  const clearCookie = clearFlow(id);
  if (!flow) {
    throw new AppError("OAUTH_SIGN_IN_FAILED", "This sign-in expired or was started in another browser; start it again.", {
      headers: { "set-cookie": clearCookie },
    });
  }
  const insecure = { [oauth.allowInsecureRequests]: settings.allowLoopbackHttp };
  const server = await discover(adapter, config, settings, log, clearCookie);
  const client = clientOf(config);
  try {
    const parameters = oauth.validateAuthResponse(server, client, input.callbackUrl.searchParams, flow.state);
    const response = await reachProvider(() =>
      oauth.authorizationCodeGrantRequest(server, client, clientAuthOf(adapter.clientAuth, config), parameters, config.redirectUri, flow.codeVerifier, {
        ...insecure,
        additionalParameters: adapter.tokenParameters?.(input.callbackUrl.searchParams) ?? {},
      }),
    );
    const tokens = await oauth.processAuthorizationCodeResponse(server, client, response, {
      expectedNonce: flow.nonce ?? oauth.expectNoNonce,
      requireIdToken: adapter.kind === "oidc",
    });
    const idToken = adapter.kind === "oidc" ? await verifyIdToken(server, config, tokens.id_token, flow.nonce) : undefined;
    const identity = await reachProvider(() => adapter.identity({ settings: config, tokens, idToken, fetch: (url, init) => fetch(url, init) }));
    return { identity, clearCookie };
  } catch (error) {
    if (error instanceof AppError) throw withSetCookie(error, clearCookie);
    if (!isVerificationFailure(error)) throw error;
    log.warn("oauth callback refused", { provider: id, reason: describe(error) });
    const refused =
      error instanceof oauth.AuthorizationResponseError
        ? `The provider did not authorize the sign-in (${error.error.slice(0, 60)}).`
        : "The sign-in could not be verified; start it again.";
    throw new AppError("OAUTH_SIGN_IN_FAILED", refused, { headers: { "set-cookie": clearCookie } });
  }
}

async function verifyIdToken(
  server: oauth.AuthorizationServer,
  config: ProviderSettings,
  idToken: string | undefined,
  nonce: string | undefined,
): Promise<JWTPayload> {
  if (!idToken || !server.jwks_uri) throw new AppError("BAD_GATEWAY", "The provider sent no verifiable ID token.");
  const { payload } = await jwtVerify(idToken, providerKeys(server.jwks_uri), {
    issuer: server.issuer,
    audience: config.clientId,
    algorithms: idTokenAlgorithms,
    clockTolerance: 30,
  });
  if (payload.nonce !== nonce) throw new oauth.OperationProcessingError("ID token nonce mismatch", { code: oauth.JWT_CLAIM_COMPARISON });
  return payload;
}

function isVerificationFailure(error: unknown): boolean {
  return (
    error instanceof oauth.OperationProcessingError ||
    error instanceof oauth.ResponseBodyError ||
    error instanceof oauth.AuthorizationResponseError ||
    error instanceof oauth.WWWAuthenticateChallengeError ||
    error instanceof joseErrors.JOSEError
  );
}

function describe(error: unknown): string {
  if (error instanceof oauth.ResponseBodyError || error instanceof oauth.AuthorizationResponseError) return `${error.error}: ${error.error_description ?? ""}`;
  if (error instanceof Error) return `${"code" in error ? String(error.code) : error.name}: ${error.message}`;
  return String(error);
}

/** Discovery failing in any way (unreachable, malformed, wrong issuer) is the provider's fault: 502. */
async function discover(
  adapter: ProviderAdapter,
  config: ProviderSettings,
  settings: OAuthSettings,
  log: Logger,
  clearCookie?: string,
): Promise<oauth.AuthorizationServer> {
  try {
    return await authorizationServer(adapter, config, settings.allowLoopbackHttp);
  } catch (error) {
    log.error("oauth provider discovery failed", { provider: adapter.id, reason: describe(error) });
    throw new AppError("BAD_GATEWAY", "The sign-in provider could not be reached; try again later.", {
      headers: clearCookie ? { "set-cookie": clearCookie } : {},
    });
  }
}

/** A provider that cannot be reached (network, DNS, TLS) is a 502, not the user's fault. */
async function reachProvider<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof TypeError) throw new AppError("BAD_GATEWAY", "The sign-in provider could not be reached; try again later.");
    throw error;
  }
}
