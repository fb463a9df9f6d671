import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { bearerSecurity } from "../../../auth/schemas.ts";
import type { GatewayEnv } from "../../../platform/edge/context.ts";
import { requireRole } from "../../../platform/edge/authenticate.ts";
import { auditActor } from "../../onboarding/schemas.ts";
import { idParam, problemContent } from "../../schemas.ts";
import { createArtist, editArtist, mergeArtists } from "../artists.ts";
import { curationRoles } from "../schemas.ts";

const curatedArtistSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    bio: z.string().nullable(),
    image_key: z.string().nullable(),
    merged_into: z.uuid().nullable().openapi({ description: "Set once merged: the surviving profile" }),
  })
  .openapi("CuratedArtist");

const name = z.string().trim().min(1, "must not be empty").max(300, "at most 300 characters");
const bio = z.string().trim().max(10_000, "at most 10,000 characters").nullable();

const denied = {
  400: { description: "Invalid id or body", content: problemContent },
  401: { description: "Missing or invalid access token", content: problemContent },
  403: { description: "Neither admin nor editor", content: problemContent },
} as const;

export const createArtistRoute = createRoute({
  method: "post",
  path: "/admin/artists",
  tags: ["curation"],
  summary: "Create an artist profile",
  description: "Admins and editors. Managers are added with POST /admin/artists/{id}/managers. Audited; ArtistUpdated (created) reaches search.",
  security: bearerSecurity,
  middleware: [requireRole(...curationRoles)] as const,
  request: { body: { required: true, content: { "application/json": { schema: z.object({ name, bio: bio.optional() }).openapi("ArtistCreation") } } } },
  responses: { 201: { description: "Created", content: { "application/json": { schema: curatedArtistSchema } } }, ...denied },
});

export const editArtistRoute = createRoute({
  method: "patch",
  path: "/admin/artists/{id}",
  tags: ["curation"],
  summary: "Correct an artist's name or bio",
  description: "Admins and editors. Audited (before and after); the documents of every track naming the artist are rebuilt at once (ArtistUpdated).",
  security: bearerSecurity,
  middleware: [requireRole(...curationRoles)] as const,
  request: {
    params: idParam("artist"),
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({ name: name.optional(), bio: bio.optional() })
            .refine((edit) => edit.name !== undefined || edit.bio !== undefined, { message: "name at least one field to change" })
            .openapi("ArtistEdit"),
        },
      },
    },
  },
  responses: {
    200: { description: "The artist now", content: { "application/json": { schema: curatedArtistSchema } } },
    ...denied,
    404: { description: "No such artist", content: problemContent },
    409: { description: "The artist was merged into another profile", content: problemContent },
  },
});

export const mergeArtistRoute = createRoute({
  method: "post",
  path: "/admin/artists/{id}/merge",
  tags: ["curation"],
  summary: "Merge a duplicate artist into another",
  description:
    "Admins and editors. Every track (as main artist and as credit), album and manager of `{id}` moves to `into_artist_id`; " +
    "`GET /artists/{id}` then redirects (308) to the surviving profile. Audited with the reason.",
  security: bearerSecurity,
  middleware: [requireRole(...curationRoles)] as const,
  request: {
    params: idParam("artist"),
    body: {
      required: true,
      content: {
        "application/json": { schema: z.object({ into_artist_id: z.uuid(), reason: z.string().trim().max(2000).optional() }).openapi("ArtistMerge") },
      },
    },
  },
  responses: {
    200: {
      description: "Merged",
      content: {
        "application/json": { schema: z.object({ merged: curatedArtistSchema, into: curatedArtistSchema, tracks_moved: z.int() }).openapi("ArtistMerged") },
      },
    },
    ...denied,
    404: { description: "No such artist", content: problemContent },
    409: { description: "One of them was already merged", content: problemContent },
  },
});

export function registerArtistCuration(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(createArtistRoute, async function createArtistProfile(c) {
    const body = c.req.valid("json");
    const artist = await createArtist(c.get("services").db, {
      name: body.name,
      bio: body.bio ?? null,
      actor: auditActor(c),
      requestId: c.get("requestId"),
      traceparent: c.get("traceparent"),
    });
    c.get("log").info("artist created", { artist_id: artist.id });
    return c.json(artist, 201);
  });
  app.openapi(editArtistRoute, async function editArtistProfile(c) {
    const artist = await editArtist(c.get("services").db, {
      id: c.req.valid("param").id,
      edit: c.req.valid("json"),
      actor: auditActor(c),
      requestId: c.get("requestId"),
      traceparent: c.get("traceparent"),
    });
    c.get("log").info("artist edited", { artist_id: artist.id });
    return c.json(artist, 200);
  });
  app.openapi(mergeArtistRoute, async function mergeArtist(c) {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const result = await mergeArtists(c.get("services").db, {
      id,
      into: body.into_artist_id,
      reason: body.reason ?? null,
      actor: auditActor(c),
      requestId: c.get("requestId"),
      traceparent: c.get("traceparent"),
    });
    c.get("log").info("artists merged", { artist_id: id, into: body.into_artist_id, tracks_moved: result.tracksMoved });
    return c.json({ merged: result.merged, into: result.into, tracks_moved: result.tracksMoved }, 200);
  });
}
