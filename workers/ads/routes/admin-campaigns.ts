import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import { principalOf } from "../../platform/edge/authenticate.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { insertCampaign, listCampaigns, updateCampaign, withDetails } from "../repository.ts";
import { campaignSchema, createCampaignBody, idParam, problemContent, updateCampaignBody } from "../schemas.ts";
import { toCampaign } from "../wire.ts";
import { adminOnly, denied, json } from "./admin-route.ts";

const createRouteDef = createRoute({
  ...adminOnly,
  method: "post",
  path: "/admin/ads/campaigns",
  summary: "Create an ad campaign",
  request: { body: { required: true, content: json(createCampaignBody) } },
  responses: { 201: { description: "Created", content: json(campaignSchema) }, 400: { description: "Invalid campaign", content: problemContent }, ...denied },
});

const listRouteDef = createRoute({
  ...adminOnly,
  method: "get",
  path: "/admin/ads/campaigns",
  summary: "List ad campaigns, newest first, with creatives and impression totals",
  request: {
    query: z.object({
      status: z.enum(["active", "paused"]).optional(),
      limit: z.coerce.number({ error: "expected an integer from 1 to 200" }).int().min(1).max(200).default(50),
    }),
  },
  responses: {
    200: { description: "Campaigns", content: json(z.object({ campaigns: z.array(campaignSchema) })) },
    400: { description: "Malformed query", content: problemContent },
    ...denied,
  },
});

const updateRouteDef = createRoute({
  ...adminOnly,
  method: "patch",
  path: "/admin/ads/campaigns/{id}",
  summary: "Change an ad campaign: pause or resume it (status), retarget, reschedule, re-weight",
  request: { params: idParam("campaign"), body: { required: true, content: json(updateCampaignBody) } },
  responses: {
    200: { description: "The campaign as it is now", content: json(campaignSchema) },
    400: { description: "Invalid change", content: problemContent },
    ...denied,
    404: { description: "No such campaign", content: problemContent },
  },
});

export function registerAdminCampaigns(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(createRouteDef, async function createCampaign(c) {
    const body = c.req.valid("json");
    const { db } = c.get("services");
    const row = await insertCampaign(db, { ...body, created_by: principalOf(c).userId });
    const [record] = await withDetails(db, [row]);
    if (!record) throw new Error("created campaign vanished");
    c.get("log").info("ad campaign created", { campaign_id: row.id });
    return c.json(toCampaign(record), 201);
  });

  app.openapi(listRouteDef, async function listAdCampaigns(c) {
    const query = c.req.valid("query");
    const campaigns = await listCampaigns(c.get("services").db, query);
    return c.json({ campaigns: campaigns.map(toCampaign) }, 200);
  });

  app.openapi(updateRouteDef, async function updateAdCampaign(c) {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const { db } = c.get("services");
    let row;
    try {
      row = await updateCampaign(db, id, body);
    } catch (error) {
      // Only the date-order check can fail here: every field was validated, but starts_at/ends_at may now cross the stored other one.
      if (isCheckViolation(error))
        throw new AppError("VALIDATION_FAILED", "ends_at must be after starts_at.", {
          errors: [{ field: "body.ends_at", message: "ends_at must be after starts_at" }],
        });
      throw error;
    }
    if (!row) throw new AppError("NOT_FOUND", `No ad campaign has the id ${id}.`);
    const [record] = await withDetails(db, [row]);
    if (!record) throw new Error("updated campaign vanished");
    c.get("log").info("ad campaign changed", { campaign_id: id, fields: Object.keys(body) });
    return c.json(toCampaign(record), 200);
  });
}

function isCheckViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23514";
}
