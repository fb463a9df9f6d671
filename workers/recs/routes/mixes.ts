import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireAuth } from "../../platform/edge/authenticate.ts";
import { dailyMixes } from "../domain/mixes.ts";
import type { Reason } from "../domain/reasons.ts";
import { callerId } from "../../platform/edge/authenticate.ts";
import { authProblems, recommendedTrackSchema, recommendedTrack } from "../schemas.ts";

const mixSchema = z
  .object({
    id: z.string().openapi({ description: "Stable within the day, e.g. genre:rock." }),
    genre: z.string().nullable(),
    title: z.string(),
    tracks: z.array(recommendedTrackSchema),
  })
  .openapi("DailyMix");

const route = createRoute({
  method: "get",
  path: "/me/mixes",
  tags: ["recommendations"],
  security: [{ bearerAuth: [] }],
  middleware: requireAuth(),
  summary: "The listener's daily mixes",
  description: "A few mixes, one per cluster (genre) of the listener's taste, built on the first request of a UTC day and kept for that day.",
  responses: {
    200: { description: "Today's mixes", content: { "application/json": { schema: z.object({ day: z.string(), mixes: z.array(mixSchema) }) } } },
    ...authProblems,
  },
});

function reasonOf(genre: string | null): Reason {
  return genre ? { code: "genre_popular", params: { genre } } : { code: "popular", params: {} };
}

export function registerMixesRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(route, async function myMixes(c) {
    const now = new Date();
    const mixes = await dailyMixes(c.get("services").db, callerId(c), now);
    const body = mixes.map((mix) => ({
      id: mix.id,
      genre: mix.genre,
      title: mix.genre ? `Mix: ${mix.genre}` : "Popular now",
      tracks: mix.tracks.map((record) => recommendedTrack(c, record, reasonOf(mix.genre))),
    }));
    c.header("cache-control", "private, max-age=300");
    return c.json({ day: now.toISOString().slice(0, 10), mixes: body }, 200);
  });
}
