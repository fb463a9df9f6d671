import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../../shared/errors.ts";
import { requireAuth } from "../../../platform/edge/authenticate.ts";
import type { GatewayEnv } from "../../../platform/edge/context.ts";
import { callerId } from "../../../platform/edge/authenticate.ts";
import { bearerSecurity } from "../../../auth/schemas.ts";
import { problemContent } from "../../schemas.ts";
import { latestApplication } from "../applications.ts";
import { applicationSchema, applicationView } from "../schemas.ts";

export const getMyApplicationRoute = createRoute({
  method: "get",
  path: "/me/artist-application",
  tags: ["artists"],
  summary: "My newest artist application and its state",
  security: bearerSecurity,
  middleware: [requireAuth()] as const,
  responses: {
    200: {
      description: "The newest application (pending, approved or rejected with its reason)",
      content: { "application/json": { schema: applicationSchema } },
    },
    401: { description: "Missing or invalid access token", content: problemContent },
    404: { description: "The caller never applied", content: problemContent },
  },
});

export function registerGetMyApplication(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(getMyApplicationRoute, async function getMyArtistApplication(c) {
    const application = await latestApplication(c.get("services").db, callerId(c));
    if (!application) throw new AppError("NOT_FOUND", "You have not applied to become an artist.");
    c.header("cache-control", "no-store");
    return c.json(applicationView(application), 200);
  });
}
