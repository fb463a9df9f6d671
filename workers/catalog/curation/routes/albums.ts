import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../../shared/errors.ts";
import { bearerSecurity } from "../../../auth/schemas.ts";
import type { GatewayEnv } from "../../../platform/edge/context.ts";
import { requireRole } from "../../../platform/edge/authenticate.ts";
import { auditActor } from "../../onboarding/schemas.ts";
import { idParam, problemContent } from "../../schemas.ts";
import { coverBody, deleteOldCover, discardCover, storeCoverImage } from "../../cover-image.ts";
import { editAlbum, setAlbumAvailability, setAlbumCover } from "../albums.ts";
import { curationRoles } from "../schemas.ts";

const curatedAlbumSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    artist_id: z.uuid(),
    kind: z.enum(["album", "single", "ep", "compilation"]),
    release_date: z.string().nullable().openapi({ format: "date" }),
    cover_key: z.string().nullable(),
    status: z.enum(["published", "taken_down"]),
  })
  .openapi("CuratedAlbum");

const denied = {
  400: { description: "Invalid id or body", content: problemContent },
  401: { description: "Missing or invalid access token", content: problemContent },
  403: { description: "Neither admin nor editor", content: problemContent },
  404: { description: "No such album", content: problemContent },
} as const;

export const editAlbumRoute = createRoute({
  method: "patch",
  path: "/admin/albums/{id}",
  tags: ["curation"],
  summary: "Correct an album's title, kind or release date",
  description: "Admins and editors. Audited; the album's tracks' documents are rebuilt at once (AlbumUpdated).",
  security: bearerSecurity,
  middleware: [requireRole(...curationRoles)] as const,
  request: {
    params: idParam("album"),
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({
              title: z.string().trim().min(1, "must not be empty").max(500, "at most 500 characters").optional(),
              kind: z.enum(["album", "single", "ep", "compilation"]).optional(),
              release_date: z.iso.date().nullable().optional(),
            })
            .refine((edit) => Object.values(edit).some((value) => value !== undefined), { message: "name at least one field to change" })
            .openapi("AlbumEdit"),
        },
      },
    },
  },
  responses: { 200: { description: "The album now", content: { "application/json": { schema: curatedAlbumSchema } } }, ...denied },
});

const availabilityResponses = {
  200: {
    description: "The album now, and how many tracks changed with it (repeating the action changes nothing)",
    content: { "application/json": { schema: z.object({ album: curatedAlbumSchema, tracks_changed: z.int() }).openapi("AlbumAvailability") } },
  },
  ...denied,
} as const;

export const takedownAlbumRoute = createRoute({
  method: "post",
  path: "/admin/albums/{id}/takedown",
  tags: ["curation"],
  summary: "Take an album down with its tracks",
  description: "Its published tracks are taken down with it (listeners get 410; search drops them); GET /albums/{id} answers 410. Audited with the reason.",
  security: bearerSecurity,
  middleware: [requireRole(...curationRoles)] as const,
  request: {
    params: idParam("album"),
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ reason: z.string().trim().min(1, "must not be empty").max(2000) }).openapi("AlbumTakedown") } },
    },
  },
  responses: availabilityResponses,
});

export const restoreAlbumRoute = createRoute({
  method: "post",
  path: "/admin/albums/{id}/restore",
  tags: ["curation"],
  summary: "Restore a taken-down album",
  description: "Restores exactly the tracks the album's takedown took down; tracks taken down on their own stay down.",
  security: bearerSecurity,
  middleware: [requireRole(...curationRoles)] as const,
  request: { params: idParam("album") },
  responses: availabilityResponses,
});

export const albumCoverRoute = createRoute({
  method: "put",
  path: "/admin/albums/{id}/cover",
  tags: ["curation"],
  summary: "Replace an album's cover",
  description:
    "Admins and editors. The body is the image: JPEG, PNG or WebP, at most 10 MiB. Audited (`album.cover`); AlbumUpdated carries the new cover to search.",
  security: bearerSecurity,
  middleware: [requireRole(...curationRoles)] as const,
  request: { params: idParam("album"), body: coverBody },
  responses: {
    200: { description: "The album now", content: { "application/json": { schema: curatedAlbumSchema } } },
    ...denied,
    413: { description: "The image is over 10 MiB", content: problemContent },
    415: { description: "Not a JPEG, PNG or WebP image, or the bytes are not the declared type", content: problemContent },
  },
});

export const removeAlbumCoverRoute = createRoute({
  method: "delete",
  path: "/admin/albums/{id}/cover",
  tags: ["curation"],
  summary: "Remove an album's cover",
  description: "Admins and editors, for artwork that must go (rights, offensive content). Audited (`album.cover`).",
  security: bearerSecurity,
  middleware: [requireRole(...curationRoles)] as const,
  request: { params: idParam("album") },
  responses: { 200: { description: "The album now", content: { "application/json": { schema: curatedAlbumSchema } } }, ...denied },
});

export function registerAlbumCuration(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(editAlbumRoute, async function editCatalogAlbum(c) {
    const album = await editAlbum(c.get("services").db, {
      id: c.req.valid("param").id,
      edit: c.req.valid("json"),
      actor: auditActor(c),
      requestId: c.get("requestId"),
      traceparent: c.get("traceparent"),
    });
    c.get("log").info("album edited", { album_id: album.id });
    return c.json(album, 200);
  });
  app.openapi(albumCoverRoute, async function replaceAlbumCover(c) {
    const { id } = c.req.valid("param");
    const { db } = c.get("services");
    // Unknown albums are refused before a byte is stored.
    if (!(await db.selectFrom("catalog.albums").select("id").where("id", "=", id).executeTakeFirst()))
      throw new AppError("NOT_FOUND", `No album has the id ${id}.`);
    const stored = await storeCoverImage(c, id);
    let result;
    try {
      result = await setAlbumCover(db, { id, coverKey: stored.key, actor: auditActor(c), requestId: c.get("requestId"), traceparent: c.get("traceparent") });
    } catch (error) {
      await discardCover(c, stored.key);
      throw error;
    }
    await deleteOldCover(c, id, result.replaced);
    c.get("log").info("album cover replaced", { album_id: id, size_bytes: stored.sizeBytes });
    return c.json(result.album, 200);
  });
  app.openapi(removeAlbumCoverRoute, async function removeAlbumCover(c) {
    const { id } = c.req.valid("param");
    const result = await setAlbumCover(c.get("services").db, {
      id,
      coverKey: null,
      actor: auditActor(c),
      requestId: c.get("requestId"),
      traceparent: c.get("traceparent"),
    });
    await deleteOldCover(c, id, result.replaced);
    c.get("log").info("album cover removed", { album_id: id });
    return c.json(result.album, 200);
  });
  app.openapi(takedownAlbumRoute, async function takeAlbumDown(c) {
    const { album, tracks } = await setAlbumAvailability(c.get("services").db, {
      id: c.req.valid("param").id,
      available: false,
      reason: c.req.valid("json").reason,
      actor: auditActor(c),
      requestId: c.get("requestId"),
      traceparent: c.get("traceparent"),
    });
    c.get("log").info("album taken down", { album_id: album.id, tracks });
    return c.json({ album, tracks_changed: tracks }, 200);
  });
  app.openapi(restoreAlbumRoute, async function restoreAlbum(c) {
    const { album, tracks } = await setAlbumAvailability(c.get("services").db, {
      id: c.req.valid("param").id,
      available: true,
      reason: null,
      actor: auditActor(c),
      requestId: c.get("requestId"),
      traceparent: c.get("traceparent"),
    });
    c.get("log").info("album restored", { album_id: album.id, tracks });
    return c.json({ album, tracks_changed: tracks }, 200);
  });
}
