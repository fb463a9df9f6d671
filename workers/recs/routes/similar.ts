import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import { trackSchema } from "../../catalog/schemas.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { similarArtists, similarTrackIds } from "../domain/similar.ts";
import { pageLimit, problemContent, uuidParam, withTracks } from "../schemas.ts";

const similarTracksRoute = createRoute({
  method: "get",
  path: "/tracks/{id}/similar",
  tags: ["recommendations"],
  summary: "Tracks similar to a track (anonymous allowed)",
  description: "The trained neighbours first, then content similarity (same artist, shared genres) when there are too few. Never the track itself.",
  request: { params: z.object({ id: uuidParam("id", "track") }), query: z.object({ limit: pageLimit(50, 20) }) },
  responses: {
    200: { description: "Similar tracks", content: { "application/json": { schema: z.object({ tracks: z.array(trackSchema) }) } } },
    400: { description: "Bad id or limit", content: problemContent },
    404: { description: "No published track has this id", content: problemContent },
  },
});

const artistSchema = z.object({ id: z.uuid(), name: z.string() }).openapi("SimilarArtist");

const similarArtistsRoute = createRoute({
  method: "get",
  path: "/artists/{id}/similar",
  tags: ["recommendations"],
  summary: "Artists similar to an artist (anonymous allowed)",
  description: "The trained neighbours first, then artists sharing the most genres. Never the artist itself; only artists with a published track.",
  request: { params: z.object({ id: uuidParam("id", "artist") }), query: z.object({ limit: pageLimit(50, 20) }) },
  responses: {
    200: { description: "Similar artists", content: { "application/json": { schema: z.object({ artists: z.array(artistSchema) }) } } },
    400: { description: "Bad id or limit", content: problemContent },
    404: { description: "No artist has this id", content: problemContent },
  },
});

export function registerSimilarRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(similarTracksRoute, async function similarTracks(c) {
    const { id } = c.req.valid("param");
    const { limit } = c.req.valid("query");
    const ids = await similarTrackIds(c.get("services").db, id, limit);
    if (!ids) throw new AppError("NOT_FOUND", `No published track has the id ${id}.`);
    // withTracks drops what the catalog no longer shows; ask for the spare ids too, then cut.
    const tracks = (
      await withTracks(
        c,
        ids.map((trackId) => ({ id: trackId, reason: { code: "played_similar" as const, params: {} } })),
      )
    ).slice(0, limit);
    c.header("cache-control", "public, max-age=300");
    return c.json({ tracks: tracks.map(({ reason: _reason, ...track }) => track) }, 200);
  });
  app.openapi(similarArtistsRoute, async function similarArtistsOf(c) {
    const { id } = c.req.valid("param");
    const { limit } = c.req.valid("query");
    const artists = await similarArtists(c.get("services").db, id, limit);
    if (!artists) throw new AppError("NOT_FOUND", `No artist has the id ${id}.`);
    c.header("cache-control", "public, max-age=300");
    return c.json({ artists }, 200);
  });
}
