import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireAuth, principalOf } from "../../platform/edge/authenticate.ts";
import { bearerSecurity, idParam, impressionEventBody, problemContent } from "../schemas.ts";
import { recordImpressionEvent } from "../serving.ts";

const route = createRoute({
  method: "post",
  path: "/ad/impressions/{id}",
  tags: ["ads"],
  summary: "Report that an ad was played or clicked",
  description: "Beacon for the listener's own impression. Idempotent: the first report of each kind counts, repeats answer 204 and change nothing.",
  security: bearerSecurity,
  middleware: [requireAuth()] as const,
  request: { params: idParam("impression"), body: { required: true, content: { "application/json": { schema: impressionEventBody } } } },
  responses: {
    204: { description: "Recorded (or already recorded)" },
    400: { description: "Malformed id or body", content: problemContent },
    401: { description: "Missing or invalid access token", content: problemContent },
    404: { description: "No impression of this listener has this id", content: problemContent },
  },
});

export function registerImpressionEvent(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(route, async function reportImpression(c) {
    const { id } = c.req.valid("param");
    const { event } = c.req.valid("json");
    const principal = principalOf(c);
    const found = await recordImpressionEvent(c.get("services").db, principal.userId, id, event);
    // Another listener's impression is indistinguishable from an unknown one.
    if (!found) throw new AppError("NOT_FOUND", `You have no ad impression with the id ${id}.`);
    return c.body(null, 204);
  });
}
