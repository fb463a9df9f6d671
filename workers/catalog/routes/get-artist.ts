import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { mediaUrl } from "../media.ts";
import { findArtist } from "../repository.ts";
import { idParam, problemContent, toTrack, trackSchema } from "../schemas.ts";

const topTracks = 10;

const artistSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    bio: z.string().nullable(),
    image_url: z.string().nullable(),
    top_tracks: z.array(trackSchema).openapi({ description: `Up to ${topTracks} published tracks, most popular first.` }),
  })
  .openapi("Artist");

const route = createRoute({
  method: "get",
  path: "/artists/{id}",
  tags: ["catalog"],
  summary: "An artist with their top tracks",
  request: { params: idParam("artist") },
  responses: {
    200: { description: "The artist", content: { "application/json": { schema: artistSchema } } },
    400: { description: "The id is not a uuid", content: problemContent },
    308: { description: "This profile was merged into another: Location names the surviving one", headers: z.object({ location: z.string() }) },
    404: { description: "No artist has this id", content: problemContent },
  },
});

export function registerGetArtist(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(route, async function getArtist(c) {
    const { id } = c.req.valid("param");
    const services = c.get("services");
    const found = await findArtist(services.db, id, topTracks);
    if (!found) throw new AppError("NOT_FOUND", `No artist has the id ${id}.`);
    if (found.artist.merged_into) {
      c.header("cache-control", "public, max-age=300");
      return c.redirect(`/artists/${found.artist.merged_into}`, 308);
    }
    c.header("cache-control", "public, max-age=60");
    return c.json(
      {
        id: found.artist.id,
        name: found.artist.name,
        bio: found.artist.bio,
        image_url: mediaUrl(services.mediaBaseUrl, found.artist.image_key),
        top_tracks: found.topTracks.map((track) => toTrack(track, services.mediaBaseUrl)),
      },
      200,
    );
  });
}
