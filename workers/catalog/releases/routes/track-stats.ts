import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { bearerSecurity } from "../../../auth/schemas.ts";
import type { GatewayEnv } from "../../../platform/edge/context.ts";
import { requireRole } from "../../../platform/edge/authenticate.ts";
import { callerId } from "../../../platform/edge/authenticate.ts";
import { problemContent } from "../../schemas.ts";
import { dayRange, managedTrackFigures, maxStatsTracks } from "../track-stats.ts";

const series = z.array(z.int());
const trackFiguresSchema = z
  .object({
    track_id: z.uuid(),
    title: z.string(),
    artist_id: z.uuid(),
    status: z.enum(["draft", "published", "taken_down"]),
    totals: z.object({
      starts: z.int(),
      plays: z.int(),
      listener_days: z.int().openapi({ description: "Sum of each day's distinct listeners (a listener on two days counts twice)." }),
      completion_rate: z.number().nullable(),
    }),
    daily: z.object({
      starts: series.openapi({ description: "Plays started, per day of `days`." }),
      plays: series.openapi({ description: "Plays listened to (30 s or the whole track; at most three a listener a day), as popularity counts them." }),
      listeners: series.openapi({ description: "Distinct listeners with a listened play." }),
      completion_rate: z.array(z.number().nullable()).openapi({ description: "Share of finished plays that reached the end; null when none finished." }),
    }),
  })
  .openapi("TrackFigures");

export const myTrackStatsRoute = createRoute({
  method: "get",
  path: "/me/tracks/stats",
  tags: ["artists"],
  summary: "Plays, listeners and completion per day for the tracks of the profiles I manage",
  description: `Artists. The newest ${maxStatsTracks} published or taken-down tracks of every profile the caller manages, each with one value per day of \`days\` (UTC, oldest first). Fed by the play events; a play shows within seconds.`,
  security: bearerSecurity,
  middleware: [requireRole("artist")] as const,
  request: { query: z.object({ days: z.coerce.number().int().min(7).max(90).default(30).openapi({ description: "How many days back, 7–90." }) }) },
  responses: {
    200: {
      description: "The figures",
      content: { "application/json": { schema: z.object({ days: z.array(z.string()), tracks: z.array(trackFiguresSchema) }).openapi("MyTrackStats") } },
    },
    400: { description: "Invalid days", content: problemContent },
    401: { description: "Missing or invalid access token", content: problemContent },
    403: { description: "The caller is not an artist", content: problemContent },
  },
});

export function registerTrackStats(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(myTrackStatsRoute, async function myTrackStats(c) {
    const days = dayRange(c.req.valid("query").days);
    const tracks = await managedTrackFigures(c.get("services").db, callerId(c), days);
    return c.json({ days, tracks }, 200);
  });
}
