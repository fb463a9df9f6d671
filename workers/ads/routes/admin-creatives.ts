import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { playbackServices } from "../../playback/services.ts";
import { audioContentTypeOf } from "../audio.ts";
import { findCampaign, insertCreative, updateCreative } from "../repository.ts";
import { createCreativeBody, creativeSchema, idParam, problemContent, updateCreativeBody } from "../schemas.ts";
import { toCreative } from "../wire.ts";
import { adminOnly, denied, json } from "./admin-route.ts";

const createRouteDef = createRoute({
  ...adminOnly,
  method: "post",
  path: "/admin/ads/campaigns/{id}/creatives",
  summary: "Add a creative to an ad campaign",
  description: "The audio must already be in the media bucket (POST /admin/ads/audio puts it there).",
  request: { params: idParam("campaign"), body: { required: true, content: json(createCreativeBody) } },
  responses: {
    201: { description: "Created", content: json(creativeSchema) },
    400: { description: "Invalid creative, or no audio object under audio_key", content: problemContent },
    ...denied,
    404: { description: "No such campaign", content: problemContent },
  },
});

const updateRouteDef = createRoute({
  ...adminOnly,
  method: "patch",
  path: "/admin/ads/creatives/{id}",
  summary: "Change a creative: pause or resume it (status), re-weight, new banner or click URL",
  request: { params: idParam("creative"), body: { required: true, content: json(updateCreativeBody) } },
  responses: {
    200: { description: "The creative as it is now", content: json(creativeSchema) },
    400: { description: "Invalid change", content: problemContent },
    ...denied,
    404: { description: "No such creative", content: problemContent },
  },
});

export function registerAdminCreatives(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(createRouteDef, async function createCreative(c) {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const { db } = c.get("services");
    if (!(await findCampaign(db, id))) throw new AppError("NOT_FOUND", `No ad campaign has the id ${id}.`);
    const { bucket } = await playbackServices(c);
    // In R2 mode the edge can look: a creative whose audio is missing would only fail on listeners' devices.
    let contentType = audioContentTypeOf(body.audio_key);
    if (bucket) {
      const object = await bucket.head(body.audio_key);
      if (!object)
        throw new AppError("VALIDATION_FAILED", `No object ${body.audio_key} in the media bucket.`, {
          errors: [{ field: "body.audio_key", message: "no such object in the media bucket" }],
        });
      if (object.contentType.startsWith("audio/")) contentType = object.contentType;
    }
    if (!contentType)
      throw new AppError("VALIDATION_FAILED", "The audio's type is unknown.", {
        errors: [{ field: "body.audio_key", message: "expected a key ending in .mp3, .m4a, .aac, .ogg, .opus, .flac or .wav" }],
      });
    const row = await insertCreative(db, { ...body, campaign_id: id, audio_content_type: contentType });
    c.get("log").info("ad creative created", { campaign_id: id, creative_id: row.id });
    return c.json(toCreative(row), 201);
  });

  app.openapi(updateRouteDef, async function updateAdCreative(c) {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const row = await updateCreative(c.get("services").db, id, body);
    if (!row) throw new AppError("NOT_FOUND", `No ad creative has the id ${id}.`);
    c.get("log").info("ad creative changed", { creative_id: id, fields: Object.keys(body) });
    return c.json(toCreative(row), 200);
  });
}
