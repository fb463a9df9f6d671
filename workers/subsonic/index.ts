/**
 * The Subsonic context at the edge: the Subsonic/OpenSubsonic API at /rest
 * (so existing players such as Symfonium, DSub, Feishin or Tempo play TUNEC),
 * the credentials those players sign in with, managed on the JSON API, and
 * the saved play queue, shared between Subsonic players and the JSON API.
 * Browsing, search, likes, playlists and plays reuse the catalog, search,
 * users and playback contexts' code; only credentials and queues are stored here.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../platform/edge/context.ts";
import { registerCredentialRoutes } from "./routes/credentials.ts";
import { registerPlayQueueRoutes } from "./routes/play-queue.ts";
import { registerRest } from "./routes/rest.ts";

export function registerSubsonic(app: OpenAPIHono<GatewayEnv>): void {
  registerCredentialRoutes(app);
  registerPlayQueueRoutes(app);
  registerRest(app);
}
