import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { findTrack } from "../repository.ts";
import { idParam, problemContent, toTrack, trackSchema } from "../schemas.ts";

const route = createRoute({
  method: "get",
  path: "/tracks/{id}",
  tags: ["catalog"],
  summary: "One published track",
  request: { params: idParam("track") },
  responses: {
    200: { description: "The track", content: { "application/json": { schema: trackSchema } } },
    400: { description: "The id is not a uuid", content: problemContent },
    404: { description: "No published track has this id", content: problemContent },
    410: { description: "The track was taken down", content: problemContent },
  },
});

export function registerGetTrack(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(route, async function getTrack(c) {
    const { id } = c.req.valid("param");
    const services = c.get("services");
    const track = await findTrack(services.db, id);
    // Drafts and taken-down tracks are indistinguishable from unknown ids.
    if (!track) {
      // Only a miss pays for the second look: a taken-down track is gone (410), not unknown.
      const row = await services.db.selectFrom("catalog.tracks").select("status").where("id", "=", id).executeTakeFirst();
      if (row?.status === "taken_down") throw new AppError("GONE", `The track ${id} was taken down.`);
      throw new AppError("NOT_FOUND", `No published track has the id ${id}.`);
    }
    c.header("cache-control", "public, max-age=60");
    return c.json(toTrack(track, services.mediaBaseUrl), 200);
  });
}
