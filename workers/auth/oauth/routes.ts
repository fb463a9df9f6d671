import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { authServices } from "../routes/services.ts";
import { problemContent, tokenResponseSchema } from "../schemas.ts";
import { clientInfo, issueSession } from "../sessions.ts";
import type { Context } from "hono";
import { setRefreshCookie } from "../cookie-transport.ts";
import { providerIds, type OAuthSettings, type ProviderId, type ProviderSettings } from "./config.ts";
import { clearFlow, openFlow, returnToSchema, type FlowSecrets } from "./flow-cookie.ts";
import { AppError } from "../../../shared/errors.ts";
import { beginSignIn, completeSignIn, enabledProvider, withSetCookie } from "./flow.ts";
import { accountForIdentity } from "./sign-in.ts";

const providerParam = z
  .string()
  .max(40)
  .openapi({ param: { name: "provider", in: "path" }, description: "google, vk (VK ID) or yandex (Yandex ID)", example: "google" });

const startRoute = createRoute({
  method: "get",
  path: "/auth/oauth/{provider}/start",
  tags: ["auth"],
  summary: "Start signing in with Google, VK ID or Yandex ID",
  description:
    "Redirects the browser to the provider (authorization code with PKCE S256, `state`, and `nonce` for OpenID Connect) " +
    "and sets a short-lived encrypted HttpOnly cookie holding this flow's secrets for the callback.",
  request: {
    params: z.object({ provider: providerParam }),
    query: z.object({
      return_to: returnToSchema.optional().openapi({
        description:
          "For the web app: the callback then puts the refresh token in its HttpOnly cookie (as `X-Token-Transport: cookie` does) and redirects here instead of answering JSON; the app signs in with POST /auth/refresh.",
        example: "/app/",
      }),
    }),
  },
  responses: {
    302: { description: "To the provider's sign-in page", headers: z.object({ location: z.string(), "set-cookie": z.string() }) },
    400: { description: "return_to is not a path of the web app", content: problemContent },
    404: { description: "The provider is unknown or not configured on this server", content: problemContent },
    502: { description: "The provider could not be reached", content: problemContent },
  },
});

const callbackRoute = createRoute({
  method: "get",
  path: "/auth/oauth/{provider}/callback",
  tags: ["auth"],
  summary: "Finish signing in with a provider",
  description:
    "Where the provider sends the browser back. Checks `state` against the flow cookie, redeems the code with the PKCE " +
    "verifier, verifies the ID token (signature by the provider's JWKS, `nonce`) or reads the provider's user info, then signs " +
    "into the account of this provider identity; else links the account with the same email when the provider confirms " +
    "the address; else creates one. Answers like POST /auth/login.",
  request: {
    params: z.object({ provider: providerParam }),
    query: z.object({
      code: z.string().optional(),
      state: z.string().optional(),
      error: z.string().optional().openapi({ description: "Set by the provider when the user declined" }),
    }),
  },
  responses: {
    200: { description: "Signed in", content: { "application/json": { schema: tokenResponseSchema } } },
    302: {
      description:
        "Started by the web app (return_to): signed in, the refresh token set in its cookie, back to the app; or, when the sign-in failed, to /app/signin?oauth_error= with the problem's detail",
      headers: z.object({ location: z.string() }),
    },
    400: { description: "Expired flow, wrong state or nonce, refused code, or declined by the user", content: problemContent },
    404: { description: "The provider is unknown or not configured on this server", content: problemContent },
    409: { description: "The email belongs to an account and the provider does not confirm it", content: problemContent },
    502: { description: "The provider could not be reached or answered nonsense", content: problemContent },
  },
});

const providersRoute = createRoute({
  method: "get",
  path: "/auth/oauth/providers",
  tags: ["auth"],
  summary: "The sign-in providers this server offers",
  description: "The web app shows a button for each.",
  responses: {
    200: {
      description: "Enabled providers",
      content: { "application/json": { schema: z.object({ providers: z.array(z.enum(providerIds)) }).openapi("OAuthProviders") } },
    },
  },
});

/** OAuth/OIDC sign-in routes; without settings every provider answers 404. */
export function registerOAuth(app: OpenAPIHono<GatewayEnv>, settings: OAuthSettings | undefined): void {
  app.openapi(providersRoute, function oauthProviders(c) {
    return c.json({ providers: providerIds.filter((id) => settings?.providers[id] !== undefined) }, 200);
  });

  app.openapi(startRoute, async function oauthStart(c) {
    const { settings: enabled, id, config } = enabledProvider(settings, c.req.valid("param").provider);
    const { location, cookie } = await beginSignIn(enabled, id, config, c.get("log"), c.req.valid("query").return_to);
    c.header("set-cookie", cookie);
    c.header("cache-control", "no-store");
    return c.redirect(location, 302);
  });

  app.openapi(callbackRoute, async function oauthCallback(c) {
    const { settings: enabled, id, config } = enabledProvider(settings, c.req.valid("param").provider);
    // A flow the web app started ends in the app, failures included: a person never lands on raw JSON.
    const flow = await openFlow(c.req.header("cookie"), id, await enabled.stateKey);
    const returnTo = flow?.returnTo;
    if (!returnTo) return signIn(c, enabled, id, config, flow);
    try {
      return await signIn(c, enabled, id, config, flow);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      c.get("log").info("oauth sign-in from the web app failed", { provider: id, code: error.code });
      c.header("set-cookie", clearFlow(id));
      c.header("cache-control", "no-store");
      return c.redirect(`/app/signin?oauth_error=${encodeURIComponent((error.detail ?? error.code).slice(0, 300))}`, 302);
    }
  });
}

async function signIn(c: Context<GatewayEnv>, enabled: OAuthSettings, id: ProviderId, config: ProviderSettings, flow: FlowSecrets | null) {
  const auth = authServices(c);
  const returnTo = flow?.returnTo;
  const { identity, clearCookie } = await completeSignIn({
    settings: enabled,
    id,
    config,
    callbackUrl: new URL(c.req.url),
    flow,
    log: c.get("log"),
  });
  c.header("set-cookie", clearCookie);
  const { account, outcome } = await accountForIdentity(c.get("services").db, identity).catch((error: unknown) => {
    throw error instanceof AppError ? withSetCookie(error, clearCookie) : error;
  });
  c.get("log").info("oauth sign-in", { provider: id, outcome, account_id: account.id });
  if (outcome === "claimed") {
    // Whoever registered the address without proving it is signed out everywhere before the owner signs in.
    const revoked = await auth.sessions.forUser(account.id).revokeAll();
    c.get("log").warn("unverified account claimed by the address's owner through a provider: password removed, sessions revoked", {
      provider: id,
      account_id: account.id,
      sessions_revoked: revoked,
    });
  }
  const tokens = await issueSession(auth, account, clientInfo(c.req.raw));
  c.header("cache-control", "no-store");
  if (returnTo) {
    // The access token never travels in a URL: the app gets one from POST /auth/refresh with this cookie.
    setRefreshCookie(c, tokens);
    return c.redirect(returnTo, 302);
  }
  return c.json(tokens, 200);
}
