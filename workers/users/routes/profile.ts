import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireAuth } from "../../platform/edge/authenticate.ts";
import { callerId } from "../../platform/edge/authenticate.ts";
import { getOrCreateProfile, updateProfile, type ProfileRow } from "../domain/profiles.ts";
import { authProblems, problemContent } from "../schemas.ts";

const localeSchema = z
  .string()
  .min(2)
  .max(35)
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, "expected a BCP 47 language tag such as ru or en-GB")
  .openapi({ example: "ru" });

const profileSchema = z
  .object({
    user_id: z.uuid(),
    display_name: z.string().nullable(),
    avatar_url: z.string().nullable(),
    locale: z.string(),
    is_premium: z.boolean(),
    premium_until: z.string().nullable().openapi({ format: "date-time" }),
    updated_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Profile");

const patchSchema = z
  .object({
    display_name: z.string().trim().min(1, "expected 1–200 characters").max(200, "expected 1–200 characters").nullable().optional(),
    avatar_url: z
      .url({ protocol: /^https?$/, error: "expected an http(s) URL" })
      .max(2000)
      .nullable()
      .optional()
      .openapi({ example: "https://media.example.com/avatars/me.jpg" }),
    locale: localeSchema.optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: "give at least one of display_name, avatar_url, locale" })
  .openapi("ProfilePatch");

const jsonProfile = { "application/json": { schema: profileSchema } };

const getRoute = createRoute({
  method: "get",
  path: "/me/profile",
  tags: ["users"],
  summary: "The caller's profile (created on first read)",
  security: [{ bearerAuth: [] }],
  middleware: [requireAuth()] as const,
  responses: { 200: { description: "The profile", content: jsonProfile }, ...authProblems },
});

const patchRoute = createRoute({
  method: "patch",
  path: "/me/profile",
  tags: ["users"],
  summary: "Change display name, avatar URL or locale",
  description: "Only fields given change; null clears display_name or avatar_url. A real change publishes UserUpdated.",
  security: [{ bearerAuth: [] }],
  middleware: [requireAuth()] as const,
  request: { body: { required: true, content: { "application/json": { schema: patchSchema } } } },
  responses: {
    200: { description: "The updated profile", content: jsonProfile },
    400: { description: "Invalid fields", content: problemContent },
    ...authProblems,
  },
});

function toProfile(row: ProfileRow) {
  return {
    user_id: row.user_id,
    display_name: row.display_name,
    avatar_url: row.avatar_url,
    locale: row.locale,
    is_premium: row.is_premium,
    premium_until: row.premium_until?.toISOString() ?? null,
    updated_at: row.updated_at.toISOString(),
  };
}

export function registerProfileRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(getRoute, async function getProfile(c) {
    const row = await getOrCreateProfile(c.get("services").db, callerId(c));
    c.header("cache-control", "no-store");
    return c.json(toProfile(row), 200);
  });
  app.openapi(patchRoute, async function patchProfile(c) {
    const body = c.req.valid("json");
    const row = await updateProfile(
      c.get("services").db,
      callerId(c),
      { displayName: body.display_name, avatarUrl: body.avatar_url, locale: body.locale },
      c.get("traceparent"),
    );
    c.header("cache-control", "no-store");
    return c.json(toProfile(row), 200);
  });
}
