/** Releases managed by their artists (docs/roles.md, artist section). */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { registerEditRelease } from "./routes/edit-release.ts";
import { registerMyReleases } from "./routes/my-releases.ts";
import { registerTrackStats } from "./routes/track-stats.ts";

export function registerReleases(app: OpenAPIHono<GatewayEnv>): void {
  registerMyReleases(app);
  registerEditRelease(app);
  registerTrackStats(app);
}
