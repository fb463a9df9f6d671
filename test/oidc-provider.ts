/**
 * A real OpenID provider for the OAuth tests: panva's `oidc-provider` on
 * 127.0.0.1, playing Google (OIDC with discovery, ID tokens, JWKS), VK ID and
 * Yandex ID (plain OAuth 2.0 code flow; their own user-info endpoints, shaped
 * as documented, answer from the provider's real access tokens).
 *
 * The only shortcut is the login page: POST /interaction/:uid/login takes the
 * user's claims from the form (sub, email, email_verified, name) instead of
 * checking a password, then finishes the interaction with login and consent;
 * POST /interaction/:uid/abort declines (access_denied), as a user may.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import Provider, { type ClientMetadata } from "oidc-provider";
import { testClients, testRedirectOrigin } from "./oidc-provider-clients.ts";

export interface TestUser {
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface RunningOpenIdProvider {
  issuer: string;
  close(): Promise<void>;
}

/** `redirectOrigins`: where TUNEC runs (the Worker tests' origin by default; a browser test adds its gateway). */
export async function startOpenIdProvider(options: { redirectOrigins?: string[] } = {}): Promise<RunningOpenIdProvider> {
  const origins = options.redirectOrigins ?? [testRedirectOrigin];
  const users = new Map<string, TestUser>();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });

  const clients: ClientMetadata[] = Object.entries(testClients).map(([name, client]) => ({
    ...client,
    redirect_uris: origins.map((origin) => `${origin}/auth/oauth/${name}/callback`),
    grant_types: ["authorization_code"],
    response_types: ["code"],
  }));
  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: "test-rs256", alg: "RS256", use: "sig" }] },
    scopes: ["openid", "email", "profile", "vkid.personal_info", "login:email", "login:info"],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    // Google puts email and email_verified into the ID token itself.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    cookies: { keys: ["oidc-provider-test-cookie-key"] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const user = users.get(sub);
      return user ? { accountId: sub, claims: async () => ({ sub, ...user }) } : undefined;
    },
  });

  async function login(req: IncomingMessage, res: ServerResponse, form: URLSearchParams): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    const sub = form.get("sub") ?? "";
    users.set(sub, {
      ...(form.get("email") ? { email: form.get("email") ?? "" } : {}),
      email_verified: form.get("email_verified") === "true",
      name: form.get("name") ?? "Test User",
    });
    const grant = new provider.Grant({ accountId: sub, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId: sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }

  async function bearerUser(token: string | undefined): Promise<[string, TestUser] | undefined> {
    const found = token ? await provider.AccessToken.find(token) : undefined;
    const user = found?.accountId ? users.get(found.accountId) : undefined;
    return found?.accountId && user ? [found.accountId, user] : undefined;
  }

  // https://id.vk.com/oauth2/user_info: POST client_id + access_token, answers { user: {...} }.
  async function vkUserInfo(res: ServerResponse, form: URLSearchParams): Promise<void> {
    const found = form.get("client_id") === testClients.vk.client_id ? await bearerUser(form.get("access_token") ?? undefined) : undefined;
    if (!found) return json(res, 200, { error: "invalid_token", error_description: "invalid access token", state: "" });
    const [sub, user] = found;
    const [first = "", last = ""] = (user.name ?? "").split(" ");
    json(res, 200, {
      user: {
        user_id: sub,
        first_name: first,
        last_name: last,
        phone: "79991234567",
        avatar: "https://pp.userapi.com/60tZWMo4SmwcploUVl9XEt8ufnTTvDUmQ6Bj1g/mmv1pcj63C4.png",
        ...(user.email ? { email: user.email } : {}),
        sex: 2,
        verified: false,
        birthday: "01.01.2000",
      },
    });
  }

  // https://login.yandex.ru/info?format=json with `Authorization: OAuth <token>`.
  async function yandexInfo(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const token = /^OAuth (\S+)$/.exec(req.headers.authorization ?? "")?.[1];
    const found = await bearerUser(token);
    if (!found) return text(res, 401, "invalid token");
    const [sub, user] = found;
    const [first = "", last = ""] = (user.name ?? "").split(" ");
    json(res, 200, {
      id: sub,
      login: user.email?.split("@")[0] ?? `user${sub}`,
      client_id: testClients.yandex.client_id,
      display_name: first,
      real_name: user.name,
      first_name: first,
      last_name: last,
      sex: "male",
      ...(user.email ? { default_email: user.email, emails: [user.email] } : {}),
      psuid: `1.AAceCw.${sub}`,
    });
  }

  const oidc = provider.callback();
  server.on("request", (req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    const route = `${req.method} ${url.pathname}`;
    const handle = async () => {
      if (/^GET \/interaction\/[^/]+$/.test(route)) return loginPage(res, url.pathname);
      if (/^POST \/interaction\/[^/]+\/login$/.test(route)) return login(req, res, await readForm(req));
      if (/^POST \/interaction\/[^/]+\/abort$/.test(route)) {
        return provider.interactionFinished(req, res, { error: "access_denied", error_description: "End-User aborted interaction" });
      }
      if (route === "POST /vk/oauth2/user_info") return vkUserInfo(res, await readForm(req));
      if (route === "GET /yandex/info") return yandexInfo(req, res);
      return oidc(req, res);
    };
    handle().catch((error: unknown) => {
      if (!res.headersSent) text(res, 500, String(error));
    });
  });

  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
}

/** The provider's sign-in page for a browser: the claims to sign in with (no password: a test provider), or decline. */
function loginPage(res: ServerResponse, path: string): void {
  const interaction = path.replace(/[^A-Za-z0-9/_-]/g, "");
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<!doctype html><html lang="en"><head><title>Test provider</title></head><body>
<h1>Test provider sign-in</h1>
<form method="post" action="${interaction}/login">
<label>Subject <input name="sub" required></label>
<label>Email <input name="email" type="email"></label>
<label><input name="email_verified" type="checkbox" value="true"> Email verified</label>
<label>Name <input name="name" value="Test User"></label>
<button type="submit">Sign in</button>
</form>
<form method="post" action="${interaction}/abort"><button type="submit">Decline</button></form>
</body></html>`);
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(body);
}
