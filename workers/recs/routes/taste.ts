import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireAuth } from "../../platform/edge/authenticate.ts";
import { saveTaste } from "../domain/taste.ts";
import { callerId } from "../../platform/edge/authenticate.ts";
import { authProblems, problemContent } from "../schemas.ts";

const genreSchema = z.string().trim().toLowerCase().min(1, "a genre is 1–50 characters").max(50, "a genre is 1–50 characters");

const bodySchema = z
  .object({
    artist_ids: z.array(z.uuid({ error: "expected an artist id (uuid)" })).max(50, "at most 50 artists"),
    genres: z.array(genreSchema).max(20, "at most 20 genres"),
    allow_explicit: z.boolean().optional().openapi({ description: "Whether recommendations may contain explicit tracks (default true)." }),
  })
  .strict();

const route = createRoute({
  method: "put",
  path: "/me/taste",
  tags: ["recommendations"],
  security: [{ bearerAuth: [] }],
  middleware: requireAuth(),
  summary: "Onboarding: the artists and genres the listener likes",
  description:
    "Replaces the previous choice. The wave uses it at once: a brand-new listener gets the chosen genres' popular tracks and the chosen artists' best ones.",
  request: { body: { required: true, content: { "application/json": { schema: bodySchema } } } },
  responses: { 204: { description: "Saved" }, 400: { description: "Invalid body", content: problemContent }, ...authProblems },
});

export function registerTasteRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(route, async function putTaste(c) {
    const body = c.req.valid("json");
    await saveTaste(c.get("services").db, callerId(c), { artistIds: body.artist_ids, genres: body.genres, allowExplicit: body.allow_explicit });
    return c.body(null, 204);
  });
}
