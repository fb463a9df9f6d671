/** Artist onboarding: listeners apply, admins approve or reject (docs/roles.md). */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { registerDecideApplication } from "./routes/decide-application.ts";
import { registerGetMyApplication } from "./routes/get-my-application.ts";
import { registerListApplications } from "./routes/list-applications.ts";
import { registerSubmitApplication } from "./routes/submit-application.ts";

export function registerOnboarding(app: OpenAPIHono<GatewayEnv>): void {
  registerSubmitApplication(app);
  registerGetMyApplication(app);
  registerListApplications(app);
  registerDecideApplication(app);
}
