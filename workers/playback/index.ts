/**
 * The playback context at the edge: entitlement and signed media URLs
 * (GET /stream/{id}), the media endpoint with Range and caching, play events
 * through the outbox (PlaybackStarted once per play id, POST /plays/{id}/finish)
 * and the account's one stream lease in the Session Durable Object.
 * Stateless in PostgreSQL: the lease and recent plays live in the DO.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../platform/edge/context.ts";
import { registerFinishPlay } from "./routes/finish-play.ts";
import { registerGetStream } from "./routes/get-stream.ts";
import { registerMedia } from "./routes/media.ts";

export function registerPlayback(app: OpenAPIHono<GatewayEnv>): void {
  registerGetStream(app);
  registerFinishPlay(app);
  registerMedia(app);
}
