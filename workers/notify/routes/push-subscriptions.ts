import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireAuth, principalOf } from "../../platform/edge/authenticate.ts";
import { deletePushSubscription, listPushSubscriptions, savePushSubscription, type PushSubscriptionRow } from "../push-subscriptions.ts";
import { bearerSecurity, isLoopbackEndpoint, problemContent, pushSubscriptionRequest, pushSubscriptionView, unsubscribeRequest } from "../schemas.ts";

const common = { tags: ["notifications"], security: bearerSecurity, middleware: requireAuth() };
const authProblems = { 401: { description: "Missing or invalid access token", content: problemContent } };

const subscribeRoute = createRoute({
  ...common,
  method: "post",
  path: "/me/push-subscriptions",
  summary: "Register this browser for Web Push",
  description:
    "Send the browser's `PushSubscription.toJSON()` (made with the key from GET /push/vapid-public-key). Registering the same endpoint again updates it; an endpoint registered by another account moves to the caller (one browser, the last one signed in). Up to 20 browsers per account; more forget the longest-unused.",
  request: { body: { required: true, content: { "application/json": { schema: pushSubscriptionRequest } } } },
  responses: {
    201: { description: "Registered", content: { "application/json": { schema: pushSubscriptionView } } },
    200: { description: "Already registered; updated", content: { "application/json": { schema: pushSubscriptionView } } },
    400: { description: "Not a push subscription (endpoint or keys malformed)", content: problemContent },
    ...authProblems,
  },
});

const unsubscribeRoute = createRoute({
  ...common,
  method: "delete",
  path: "/me/push-subscriptions",
  summary: "Stop Web Push to a browser",
  description: "Send the subscription's endpoint (or the whole `PushSubscription.toJSON()`). Idempotent: 204 also when it was not registered.",
  request: { body: { required: true, content: { "application/json": { schema: unsubscribeRequest } } } },
  responses: { 204: { description: "Not registered any more" }, 400: { description: "No endpoint", content: problemContent }, ...authProblems },
});

const listRoute = createRoute({
  ...common,
  method: "get",
  path: "/me/push-subscriptions",
  summary: "The caller's browsers registered for Web Push",
  responses: {
    200: {
      description: "Most recently registered first",
      content: { "application/json": { schema: z.object({ subscriptions: z.array(pushSubscriptionView) }) } },
    },
    ...authProblems,
  },
});

function view(row: PushSubscriptionRow) {
  return {
    id: row.id,
    endpoint: row.endpoint,
    expiration_time: row.expiration_time?.toISOString() ?? null,
    user_agent: row.user_agent,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

function production(c: Context<GatewayEnv>): boolean {
  const env: unknown = c.env;
  const environment = typeof env === "object" && env !== null ? (env as Record<string, unknown>).ENVIRONMENT : undefined;
  return environment !== "development" && environment !== "test";
}

export function registerPushSubscriptionRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(subscribeRoute, async function subscribeToPush(c) {
    const body = c.req.valid("json");
    if (isLoopbackEndpoint(body.endpoint) && production(c)) {
      throw new AppError("VALIDATION_FAILED", "Invalid value for body.endpoint.", {
        errors: [{ field: "body.endpoint", message: "expected an https URL of a push service" }],
      });
    }
    const { row, created } = await savePushSubscription(c.get("services").db, principalOf(c).userId, {
      endpoint: body.endpoint,
      p256dh: body.keys.p256dh,
      auth: body.keys.auth,
      expirationTime: body.expirationTime ? new Date(body.expirationTime) : null,
      userAgent: c.req.header("user-agent")?.slice(0, 500) ?? null,
    });
    c.get("log").info(created ? "push subscription registered" : "push subscription updated", { subscription_id: row.id });
    return c.json(view(row), created ? 201 : 200);
  });

  app.openapi(unsubscribeRoute, async function unsubscribeFromPush(c) {
    const { endpoint } = c.req.valid("json");
    await deletePushSubscription(c.get("services").db, principalOf(c).userId, endpoint);
    return c.body(null, 204);
  });

  app.openapi(listRoute, async function listPushSubscriptionsOfCaller(c) {
    const rows = await listPushSubscriptions(c.get("services").db, principalOf(c).userId);
    c.header("cache-control", "no-store");
    return c.json({ subscriptions: rows.map(view) }, 200);
  });
}
