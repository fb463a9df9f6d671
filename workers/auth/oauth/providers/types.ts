import type { JWTPayload } from "jose";
import type * as oauth from "oauth4webapi";
import type { ProviderId, ProviderSettings } from "../config.ts";

/** Who the provider says signed in; `emailVerified` decides whether the email may link accounts. */
export interface ExternalIdentity {
  provider: ProviderId;
  /** The provider's stable user id: what identifies the person on later sign-ins. */
  subject: string;
  email: string | null;
  emailVerified: boolean;
}

export interface IdentityInput {
  settings: ProviderSettings;
  tokens: oauth.TokenEndpointResponse;
  /** Verified ID token claims (signature by the provider's JWKS, iss, aud, exp, nonce); OIDC only. */
  idToken: JWTPayload | undefined;
  /** fetch for the provider's own endpoints (their user-info APIs are not OIDC's). */
  fetch: typeof fetch;
}

/**
 * What differs between providers. OpenID Connect providers (Google) are
 * found by discovery and identify the user with a signed ID token; plain
 * OAuth 2.0 providers (VK ID, Yandex ID) have fixed endpoints and a user-info
 * API of their own.
 */
export interface ProviderAdapter {
  id: ProviderId;
  kind: "oidc" | "oauth2";
  scope: string;
  clientAuth: "client_secret_basic" | "client_secret_post" | "none";
  /** Parameters of the provider's callback that the token request must repeat (VK ID's device_id). */
  tokenParameters?(callback: URLSearchParams): Record<string, string>;
  identity(input: IdentityInput): Promise<ExternalIdentity>;
}
