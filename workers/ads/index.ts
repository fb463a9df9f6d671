/**
 * The ads context at the edge: GET /ad serves free listeners a creative
 * (targeted by genre and language, frequency-capped per listener and hour,
 * impression recorded), POST /ad/impressions/{id} takes played/clicked
 * beacons, and admins curate campaigns, creatives and spot audio under
 * /admin/ads. Premium listeners (the token's is_premium) get 204.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../platform/edge/context.ts";
import { registerAdminAudio } from "./routes/admin-audio.ts";
import { registerAdminCampaigns } from "./routes/admin-campaigns.ts";
import { registerAdminCreatives } from "./routes/admin-creatives.ts";
import { registerGetAd } from "./routes/get-ad.ts";
import { registerImpressionEvent } from "./routes/impression-event.ts";

export function registerAds(app: OpenAPIHono<GatewayEnv>): void {
  registerGetAd(app);
  registerImpressionEvent(app);
  registerAdminCampaigns(app);
  registerAdminCreatives(app);
  registerAdminAudio(app);
}
