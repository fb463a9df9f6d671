import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireAuth, principalOf } from "../../platform/edge/authenticate.ts";
import { playbackServices } from "../../playback/services.ts";
import { listenerLanguage } from "../listener-language.ts";
import { adQuery, adSchema, bearerSecurity, problemContent } from "../schemas.ts";
import { serveAd, trackGenres } from "../serving.ts";

const route = createRoute({
  method: "get",
  path: "/ad",
  tags: ["ads"],
  summary: "An ad for a free listener",
  description:
    "Free listeners get one creative: its audio (a signed media URL like a track's), banner, click URL and duration. " +
    "Campaigns target the genre of what is playing (`genre`, or `track_id` whose genres are looked up) and the listener's language " +
    "(profile locale, else Accept-Language); each campaign caps how many times one listener hears it in any hour. " +
    "204 for premium listeners (the access token's `is_premium`) and when no campaign is eligible.",
  security: bearerSecurity,
  middleware: [requireAuth()] as const,
  request: { query: adQuery },
  responses: {
    200: { description: "The ad to play", content: { "application/json": { schema: adSchema } } },
    204: { description: "No ad: a premium listener, or nothing eligible right now" },
    400: { description: "Malformed query", content: problemContent },
    401: { description: "Missing or invalid access token", content: problemContent },
  },
});

export function registerGetAd(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(route, async function getAd(c) {
    const principal = principalOf(c);
    c.header("cache-control", "no-store");
    if (principal.isPremium) return c.body(null, 204);
    const query = c.req.valid("query");
    const { db } = c.get("services");
    // An unknown or unpublished track only loses its genre targeting: the ad break still happens.
    const genres = new Set(query.track_id ? await trackGenres(db, query.track_id) : []);
    if (query.genre) genres.add(query.genre);
    const language = await listenerLanguage(db, principal.userId, c.req.header("accept-language"));
    // Before serving: a misconfigured signer must not leave an impression nobody could hear.
    const { mediaUrls } = await playbackServices(c);
    const ad = await serveAd(db, { userId: principal.userId, genres: [...genres], language });
    if (!ad) return c.body(null, 204);
    const audio = await mediaUrls.issue({ origin: new URL(c.req.url).origin, userId: principal.userId, objectKey: ad.audioKey });
    c.get("log").info("ad served", { impression_id: ad.impressionId, campaign_id: ad.campaignId, creative_id: ad.creativeId });
    return c.json(
      {
        impression_id: ad.impressionId,
        campaign_id: ad.campaignId,
        creative_id: ad.creativeId,
        audio: { url: audio.url, content_type: ad.audioContentType, expires_at: audio.expiresAt.toISOString() },
        image_url: ad.imageUrl,
        click_url: ad.clickUrl,
        duration_ms: ad.durationMs,
      },
      200,
    );
  });
}
