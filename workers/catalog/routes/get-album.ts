import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { mediaUrl } from "../media.ts";
import { findAlbum } from "../repository.ts";
import { idParam, problemContent, toTrack, trackSchema } from "../schemas.ts";

export const albumSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    kind: z.enum(["album", "single", "ep", "compilation"]),
    release_date: z.string().nullable().openapi({ format: "date" }),
    cover_url: z.string().nullable(),
    genres: z.array(z.string()).openapi({ description: "The release's genres, as its artist chose them." }),
    artist: z.object({ id: z.uuid(), name: z.string() }),
    tracks: z.array(trackSchema).openapi({ description: "Published tracks in album order." }),
  })
  .openapi("Album");

const route = createRoute({
  method: "get",
  path: "/albums/{id}",
  tags: ["catalog"],
  summary: "An album with its tracks in order",
  request: { params: idParam("album") },
  responses: {
    200: { description: "The album", content: { "application/json": { schema: albumSchema } } },
    400: { description: "The id is not a uuid", content: problemContent },
    404: { description: "No album with a published track has this id", content: problemContent },
    410: { description: "The album was taken down", content: problemContent },
  },
});

export function registerGetAlbum(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(route, async function getAlbum(c) {
    const { id } = c.req.valid("param");
    const services = c.get("services");
    const found = await findAlbum(services.db, id);
    if (found?.album.status === "taken_down") throw new AppError("GONE", `The album ${id} was taken down.`);
    // An album whose tracks are all unpublished is not released yet.
    if (!found || found.tracks.length === 0) throw new AppError("NOT_FOUND", `No released album has the id ${id}.`);
    const { album, tracks } = found;
    c.header("cache-control", "public, max-age=60");
    return c.json(
      {
        id: album.id,
        title: album.title,
        kind: albumSchema.shape.kind.catch("album").parse(album.kind),
        release_date: album.release_date,
        cover_url: mediaUrl(services.mediaBaseUrl, album.cover_key),
        genres: album.genres,
        artist: { id: album.artist_id, name: album.artist_name },
        tracks: tracks.map((track) => toTrack(track, services.mediaBaseUrl)),
      },
      200,
    );
  });
}
