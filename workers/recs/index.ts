/**
 * The recommendations context at the edge (issue 12): the wave and its
 * feedback, similar tracks and artists, daily mixes, onboarding taste. It reads
 * the model tables the origin's trainer fills (recs.track_neighbors,
 * recs.artist_neighbors, recs.popular_tracks) and the signals the recs
 * consumer writes (recs.interactions); docs/recommendations-serving.md.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../platform/edge/context.ts";
import { registerMixesRoutes } from "./routes/mixes.ts";
import { registerSimilarRoutes } from "./routes/similar.ts";
import { registerTasteRoutes } from "./routes/taste.ts";
import { registerWaveRoutes } from "./routes/wave.ts";

export function registerRecs(app: OpenAPIHono<GatewayEnv>): void {
  registerWaveRoutes(app);
  registerSimilarRoutes(app);
  registerMixesRoutes(app);
  registerTasteRoutes(app);
}
