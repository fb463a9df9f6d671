import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { bearerSecurity } from "../../../auth/schemas.ts";
import type { GatewayEnv } from "../../../platform/edge/context.ts";
import { requireRole } from "../../../platform/edge/authenticate.ts";
import { coverBody, deleteOldCover, discardCover, storeCoverImage } from "../../cover-image.ts";
import { callerId } from "../../../platform/edge/authenticate.ts";
import { idParam, problemContent } from "../../schemas.ts";
import { assertManagedRelease, findManagedRelease, reorderTracks, replaceCover, updateRelease } from "../releases.ts";
import { releaseEditSchema, releaseSchema, releaseView, trackOrderSchema } from "../schemas.ts";

const responses = {
  200: { description: "The release now", content: { "application/json": { schema: releaseSchema } } },
  400: { description: "Invalid id or body", content: problemContent },
  401: { description: "Missing or invalid access token", content: problemContent },
  403: { description: "The caller is not an artist", content: problemContent },
  404: { description: "No release of a profile the caller manages has this id", content: problemContent },
} as const;

export const editReleaseRoute = createRoute({
  method: "patch",
  path: "/me/releases/{id}",
  tags: ["artists"],
  summary: "Change a release's title, type, date, genres or remove its cover",
  description: "The release's tracks carry the change to search (each becomes a TrackUpdated through CDC); an edit that changes nothing writes nothing.",
  security: bearerSecurity,
  middleware: [requireRole("artist")] as const,
  request: { params: idParam("release"), body: { required: true, content: { "application/json": { schema: releaseEditSchema } } } },
  responses,
});

export const orderTracksRoute = createRoute({
  method: "put",
  path: "/me/releases/{id}/tracks",
  tags: ["artists"],
  summary: "Set a release's track order",
  description:
    "`track_ids` names every track of the release once; they become positions 1, 2, … An upload still on its way keeps its position only if it stays free, otherwise it lands after the last track.",
  security: bearerSecurity,
  middleware: [requireRole("artist")] as const,
  request: { params: idParam("release"), body: { required: true, content: { "application/json": { schema: trackOrderSchema } } } },
  responses,
});

export const releaseCoverRoute = createRoute({
  method: "put",
  path: "/me/releases/{id}/cover",
  tags: ["artists"],
  summary: "Upload a release's cover image",
  description:
    "The body is the image itself: JPEG, PNG or WebP, at most 10 MiB. It replaces any cover the release had (also one taken from an upload's embedded art).",
  security: bearerSecurity,
  middleware: [requireRole("artist")] as const,
  request: {
    params: idParam("release"),
    body: coverBody,
  },
  responses: {
    200: responses[200],
    400: responses[400],
    401: responses[401],
    403: responses[403],
    404: responses[404],
    413: { description: "The image is over 10 MiB", content: problemContent },
    415: { description: "Not a JPEG, PNG or WebP image, or the bytes are not the declared type", content: problemContent },
    503: { description: "No media bucket on this server", content: problemContent },
  },
});

export function registerEditRelease(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(editReleaseRoute, async function editMyRelease(c) {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const { db, mediaBaseUrl } = c.get("services");
    const userId = callerId(c);
    const removed = await updateRelease(db, {
      userId,
      id,
      edit: { title: body.title, type: body.type, releaseDate: body.release_date, genres: body.genres, coverKey: body.cover },
    });
    await deleteOldCover(c, id, removed);
    c.get("log").info("release edited", { release_id: id });
    return c.json(releaseView(await findManagedRelease(db, userId, id), mediaBaseUrl), 200);
  });

  app.openapi(orderTracksRoute, async function orderMyReleaseTracks(c) {
    const { id } = c.req.valid("param");
    const { db, mediaBaseUrl } = c.get("services");
    const userId = callerId(c);
    await reorderTracks(db, { userId, id, trackIds: c.req.valid("json").track_ids });
    c.get("log").info("release tracks ordered", { release_id: id });
    return c.json(releaseView(await findManagedRelease(db, userId, id), mediaBaseUrl), 200);
  });

  app.openapi(releaseCoverRoute, async function putMyReleaseCover(c) {
    const { id } = c.req.valid("param");
    const { db, mediaBaseUrl } = c.get("services");
    const userId = callerId(c);
    // Strangers are refused before a byte is read or stored.
    await assertManagedRelease(db, userId, id);
    const stored = await storeCoverImage(c, id);
    let replaced: string | null;
    try {
      replaced = await replaceCover(db, { userId, id, coverKey: stored.key });
    } catch (error) {
      await discardCover(c, stored.key);
      throw error;
    }
    await deleteOldCover(c, id, replaced);
    c.get("log").info("release cover stored", { release_id: id, size_bytes: stored.sizeBytes });
    return c.json(releaseView(await findManagedRelease(db, userId, id), mediaBaseUrl), 200);
  });
}
