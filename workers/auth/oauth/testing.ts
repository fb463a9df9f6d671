/**
 * Test helpers (workerd side) for the OAuth dance against the local OpenID
 * provider (test/oidc-provider.ts): a gateway with all three providers
 * pointed at it, and a minimal "browser" that follows the redirects, keeps
 * the provider's cookies and logs a user in on its interaction page.
 */
import { env } from "cloudflare:test";
import { inject } from "vitest";
import { testClients } from "../../../test/oidc-provider-clients.ts";
// Declares the `oidcIssuer` the global setup provides.
import type {} from "../../../test/oidc-provider-setup.ts";
import { createLogger } from "../../../shared/logger.ts";
import { createGatewayApp } from "../../gateway/app.ts";
import { createEdgeDatabase } from "../../platform/edge-database.ts";
import { createWorkerAuth } from "../worker-services.ts";
import type { ProviderId } from "./config.ts";
import { createWorkerOAuth } from "./worker-settings.ts";

export const origin = "https://tunec.test";

/** The gateway with Google, VK ID and Yandex ID all played by the local provider. */
export function oauthGateway() {
  const issuer = inject("oidcIssuer");
  const oauth = createWorkerOAuth({
    ...env,
    OAUTH_GOOGLE_CLIENT_ID: testClients.google.client_id,
    OAUTH_GOOGLE_CLIENT_SECRET: testClients.google.client_secret,
    OAUTH_GOOGLE_REDIRECT_URI: `${origin}/auth/oauth/google/callback`,
    OAUTH_GOOGLE_ISSUER: issuer,
    OAUTH_VK_CLIENT_ID: testClients.vk.client_id,
    OAUTH_VK_REDIRECT_URI: `${origin}/auth/oauth/vk/callback`,
    OAUTH_VK_ISSUER: issuer,
    OAUTH_VK_AUTHORIZATION_URL: `${issuer}/auth`,
    OAUTH_VK_TOKEN_URL: `${issuer}/token`,
    OAUTH_VK_USERINFO_URL: `${issuer}/vk/oauth2/user_info`,
    OAUTH_YANDEX_CLIENT_ID: testClients.yandex.client_id,
    OAUTH_YANDEX_CLIENT_SECRET: testClients.yandex.client_secret,
    OAUTH_YANDEX_REDIRECT_URI: `${origin}/auth/oauth/yandex/callback`,
    OAUTH_YANDEX_ISSUER: issuer,
    OAUTH_YANDEX_AUTHORIZATION_URL: `${issuer}/auth`,
    OAUTH_YANDEX_TOKEN_URL: `${issuer}/token`,
    OAUTH_YANDEX_USERINFO_URL: `${issuer}/yandex/info?format=json`,
  });
  const auth = createWorkerAuth(env, createLogger({ service: "test" }, "error"));
  return createGatewayApp({
    logLevel: "error",
    oauth,
    services: () => {
      const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
      return { services: { db, auth }, release: () => db.destroy() };
    },
  });
}

export type Gateway = ReturnType<typeof oauthGateway>;

export interface ProviderUser {
  sub: string;
  email?: string;
  emailVerified?: boolean;
  name?: string;
}

/** Cookies of one site, path and expiry ignored: enough for one short dance. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      if (at > 0) this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

export interface DanceOptions {
  /** Changes the authorization request before the browser follows it (e.g. a swapped nonce). */
  editAuthorization?: (url: URL) => void;
  /** Changes the callback before it reaches the gateway (e.g. a forged state). */
  editCallback?: (url: URL) => void;
  /** The user declines on the provider's page. */
  decline?: boolean;
  /** Leaves out the flow cookie, as a callback opened in another browser would. */
  withoutFlowCookie?: boolean;
  /** The web app's start: /start?return_to=… */
  returnTo?: string;
}

/** Runs start → provider login → callback and returns the gateway's callback answer. */
export async function signInWith(app: Gateway, provider: ProviderId, user: ProviderUser, options: DanceOptions = {}): Promise<Response> {
  const start = await app.request(`${origin}/auth/oauth/${provider}/start${options.returnTo ? `?return_to=${encodeURIComponent(options.returnTo)}` : ""}`);
  if (start.status !== 302) throw new Error(`start answered ${start.status}: ${await start.text()}`);
  const ours = new CookieJar();
  ours.keep(start);
  const authorization = new URL(start.headers.get("location") ?? "");
  options.editAuthorization?.(authorization);

  const theirs = new CookieJar();
  const visit = async (url: URL, init: RequestInit = {}) => {
    const response = await fetch(url, { ...init, redirect: "manual", headers: { ...(init.headers as Record<string, string>), cookie: theirs.header() } });
    theirs.keep(response);
    return response;
  };
  const follow = (response: Response, base: URL) => new URL(response.headers.get("location") ?? "", base);

  const toInteraction = await visit(authorization);
  if (toInteraction.status !== 303) throw new Error(`provider answered ${toInteraction.status}: ${await toInteraction.text()}`);
  const interaction = follow(toInteraction, authorization);
  const form = new URLSearchParams({ sub: user.sub, email_verified: String(user.emailVerified ?? false), name: user.name ?? "Test User" });
  if (user.email) form.set("email", user.email);
  const finished = await visit(new URL(`${interaction.pathname}/${options.decline ? "abort" : "login"}`, interaction), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form,
  });
  let next = follow(finished, interaction);
  // Resume at the provider until it sends the browser back to us.
  for (let hops = 0; next.origin !== origin && hops < 5; hops++) {
    const response = await visit(next);
    if (![302, 303].includes(response.status)) throw new Error(`provider answered ${response.status}: ${await response.text()}`);
    next = follow(response, next);
  }
  options.editCallback?.(next);
  return app.request(next.href, { headers: options.withoutFlowCookie ? {} : { cookie: ours.header() } });
}

export function uniqueSubject(): string {
  return String(Math.floor(Math.random() * 9e11) + 1e11);
}
