/**
 * Where a provider's endpoints and keys are. Deliberate isolate caches:
 * discovery documents for an hour, and one remote JWKS per `jwks_uri` (jose
 * refetches it on an unknown `kid`, so Google's key rotation needs nothing).
 */
import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import * as oauth from "oauth4webapi";
import type { ProviderSettings } from "./config.ts";
import type { ProviderAdapter } from "./providers/index.ts";

const discoveryTtlMs = 3_600_000;
const discovered = new Map<string, { server: oauth.AuthorizationServer; until: number }>();
const keySets = new Map<string, JWTVerifyGetKey>();

export async function authorizationServer(adapter: ProviderAdapter, settings: ProviderSettings, allowHttp: boolean): Promise<oauth.AuthorizationServer> {
  if (adapter.kind === "oauth2") {
    return {
      issuer: settings.issuer,
      authorization_endpoint: settings.authorizationUrl,
      token_endpoint: settings.tokenUrl,
      userinfo_endpoint: settings.userInfoUrl,
    };
  }
  const cached = discovered.get(settings.issuer);
  if (cached && cached.until > Date.now()) return cached.server;
  const issuer = new URL(settings.issuer);
  const response = await oauth.discoveryRequest(issuer, { algorithm: "oidc", [oauth.allowInsecureRequests]: allowHttp });
  const server = await oauth.processDiscoveryResponse(issuer, response);
  discovered.set(settings.issuer, { server, until: Date.now() + discoveryTtlMs });
  return server;
}

export function providerKeys(jwksUri: string): JWTVerifyGetKey {
  let keys = keySets.get(jwksUri);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(jwksUri));
    keySets.set(jwksUri, keys);
  }
  return keys;
}
