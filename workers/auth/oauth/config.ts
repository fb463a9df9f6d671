/**
 * OAuth provider settings from the Worker's vars and secrets. A provider is
 * enabled by its `OAUTH_<P>_CLIENT_ID`; it then needs its redirect URI (and
 * secret where the provider has one). Endpoints default to the providers'
 * public ones; tests point them at a local OpenID provider.
 */
import { z } from "zod";

export const providerIds = ["google", "vk", "yandex"] as const;
export type ProviderId = (typeof providerIds)[number];

export interface ProviderSettings {
  clientId: string;
  clientSecret: string | undefined;
  redirectUri: string;
  issuer: string;
  /** Used by the plain-OAuth providers (VK ID, Yandex ID); Google's come from discovery. */
  authorizationUrl: string;
  tokenUrl: string;
  userInfoUrl: string;
}

export interface OAuthSettings {
  providers: Partial<Record<ProviderId, ProviderSettings>>;
  /** 32 bytes that encrypt the short-lived flow cookie (state, PKCE verifier, nonce); derived once. */
  stateKey: Promise<Uint8Array>;
  /** Outside production, providers may be plain http on a loopback address (local test providers). */
  allowLoopbackHttp: boolean;
}

const defaults: Record<ProviderId, { issuer: string; authorizationUrl: string; tokenUrl: string; userInfoUrl: string; secret: boolean }> = {
  google: { issuer: "https://accounts.google.com", authorizationUrl: "", tokenUrl: "", userInfoUrl: "", secret: true },
  vk: {
    issuer: "https://id.vk.com",
    authorizationUrl: "https://id.vk.com/authorize",
    tokenUrl: "https://id.vk.com/oauth2/auth",
    userInfoUrl: "https://id.vk.com/oauth2/user_info",
    // VK ID web apps are public clients: PKCE instead of a secret.
    secret: false,
  },
  yandex: {
    issuer: "https://oauth.yandex.ru",
    authorizationUrl: "https://oauth.yandex.ru/authorize",
    tokenUrl: "https://oauth.yandex.ru/token",
    userInfoUrl: "https://login.yandex.ru/info?format=json",
    secret: true,
  },
};

const prefix = (id: ProviderId) => `OAUTH_${id.toUpperCase()}`;
const text = z.string().min(1).optional();
const url = z.url({ error: "expected an absolute URL" }).optional();

const shape: Record<string, z.ZodType> = {
  ENVIRONMENT: z.enum(["development", "test", "production"]).default("production"),
  OAUTH_STATE_SECRET: z.string().min(32, "expected a random secret of at least 32 characters").optional(),
};
for (const id of providerIds) {
  const p = prefix(id);
  Object.assign(shape, {
    [`${p}_CLIENT_ID`]: text,
    [`${p}_CLIENT_SECRET`]: text,
    [`${p}_REDIRECT_URI`]: url,
    [`${p}_ISSUER`]: url,
    [`${p}_AUTHORIZATION_URL`]: url,
    [`${p}_TOKEN_URL`]: url,
    [`${p}_USERINFO_URL`]: url,
  });
}

type RawConfig = Record<string, string | undefined> & { ENVIRONMENT: "development" | "test" | "production" };

function isLoopbackHttp(value: string): boolean {
  const parsed = new URL(value);
  return parsed.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
}

/** Validates the OAUTH_* variables; `parseConfig(oauthConfigSchema, vars)` names every bad one. */
export const oauthConfigSchema = z
  .object(shape)
  .superRefine((raw, ctx) => {
    const config = raw as RawConfig;
    const production = config.ENVIRONMENT === "production";
    let anyEnabled = false;
    for (const id of providerIds) {
      const p = prefix(id);
      if (!config[`${p}_CLIENT_ID`]) continue;
      anyEnabled = true;
      const need = (suffix: string, message: string) => {
        if (!config[`${p}_${suffix}`]) ctx.addIssue({ code: "custom", path: [`${p}_${suffix}`], message });
      };
      need("REDIRECT_URI", `the callback URL registered with the provider, e.g. https://api.example.com/auth/oauth/${id}/callback`);
      if (defaults[id].secret) need("CLIENT_SECRET", "the client secret issued by the provider");
      for (const suffix of ["REDIRECT_URI", "ISSUER", "AUTHORIZATION_URL", "TOKEN_URL", "USERINFO_URL"]) {
        const value = config[`${p}_${suffix}`];
        if (value && !value.startsWith("https://") && (production || !isLoopbackHttp(value))) {
          ctx.addIssue({ code: "custom", path: [`${p}_${suffix}`], message: "expected an https URL (plain http only for loopback outside production)" });
        }
      }
    }
    if (production && anyEnabled && !config.OAUTH_STATE_SECRET) {
      ctx.addIssue({ code: "custom", path: ["OAUTH_STATE_SECRET"], message: "a random secret of at least 32 characters encrypting the sign-in cookie" });
    }
  })
  .transform((raw): OAuthSettings => {
    const config = raw as RawConfig;
    const providers: OAuthSettings["providers"] = {};
    for (const id of providerIds) {
      const p = prefix(id);
      const clientId = config[`${p}_CLIENT_ID`];
      const redirectUri = config[`${p}_REDIRECT_URI`];
      if (!clientId || !redirectUri) continue;
      providers[id] = {
        clientId,
        clientSecret: config[`${p}_CLIENT_SECRET`],
        redirectUri,
        issuer: config[`${p}_ISSUER`] ?? defaults[id].issuer,
        authorizationUrl: config[`${p}_AUTHORIZATION_URL`] ?? defaults[id].authorizationUrl,
        tokenUrl: config[`${p}_TOKEN_URL`] ?? defaults[id].tokenUrl,
        userInfoUrl: config[`${p}_USERINFO_URL`] ?? defaults[id].userInfoUrl,
      };
    }
    const secret = config.OAUTH_STATE_SECRET;
    // Without a configured secret (development, tests) the key lives as long as the isolate.
    const stateKey = secret
      ? crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret)).then((digest) => new Uint8Array(digest))
      : Promise.resolve(crypto.getRandomValues(new Uint8Array(32)));
    return { providers, stateKey, allowLoopbackHttp: config.ENVIRONMENT !== "production" };
  });
