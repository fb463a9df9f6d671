import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import { decodeCursor, encodeCursor } from "../../catalog/cursor.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireAuth } from "../../platform/edge/authenticate.ts";
import { authorize } from "../domain/playlists/access.ts";
import { mutatePlaylist } from "../domain/playlists/mutations.ts";
import { listEntries } from "../domain/playlists/repository.ts";
import {
  descriptionSchema,
  ifMatchHeaders,
  listedEntrySchema,
  nameSchema,
  playlistSchema,
  toListedEntry,
  toPlaylist,
  versionHeaders,
  visibilitySchema,
} from "../playlists/schemas.ts";
import { callerId } from "../../platform/edge/authenticate.ts";
import { authProblems, cursorSchema, limitSchema, nextCursorSchema, problemContent, uuidParam } from "../schemas.ts";

const params = z.object({ id: uuidParam("id", "playlist") });
const jsonPlaylist = { "application/json": { schema: playlistSchema } };
const writeProblems = {
  400: { description: "Invalid input", content: problemContent },
  ...authProblems,
  403: { description: "The caller may see but not change this playlist", content: problemContent },
  404: { description: "No such playlist, or a private one of somebody else", content: problemContent },
  412: { description: "Stale If-Match: the playlist changed since it was read", content: problemContent },
  428: { description: "If-Match missing", content: problemContent },
} as const;

const getRoute = createRoute({
  method: "get",
  path: "/playlists/{id}",
  tags: ["playlists"],
  summary: "A playlist with one page of its tracks in order",
  description: "Public playlists are readable by anyone; a private one is 404 to all but its owner and editors. The ETag is the version to send as If-Match.",
  security: [{ bearerAuth: [] }],
  request: { params, query: z.object({ cursor: cursorSchema, limit: limitSchema }) },
  responses: {
    200: {
      description: "The playlist and a page of entries",
      content: { "application/json": { schema: z.object({ playlist: playlistSchema, tracks: z.array(listedEntrySchema), next_cursor: nextCursorSchema }) } },
    },
    400: { description: "Bad id, limit or cursor", content: problemContent },
    404: { description: "No such playlist, or a private one of somebody else", content: problemContent },
  },
});

const patchSchema = z
  .object({ name: nameSchema.optional(), description: descriptionSchema.optional(), visibility: visibilitySchema.optional() })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: "give at least one of name, description, visibility" })
  .openapi("PlaylistPatch");

const patchRoute = createRoute({
  method: "patch",
  path: "/playlists/{id}",
  tags: ["playlists"],
  summary: "Rename, describe, or make public/private",
  description: "Owner and editors may rename and describe; only the owner changes visibility.",
  security: [{ bearerAuth: [] }],
  middleware: [requireAuth()] as const,
  request: { params, headers: ifMatchHeaders, body: { required: true, content: { "application/json": { schema: patchSchema } } } },
  responses: { 200: { description: "The changed playlist with its new ETag", content: jsonPlaylist }, ...writeProblems },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/playlists/{id}",
  tags: ["playlists"],
  summary: "Delete a playlist (owner only)",
  security: [{ bearerAuth: [] }],
  middleware: [requireAuth()] as const,
  request: { params, headers: ifMatchHeaders },
  responses: { 204: { description: "Deleted" }, ...writeProblems },
});

const positionSchema = z.object({ p: z.string().min(1).max(200) }).strict();

export function registerPlaylistRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(getRoute, async function getPlaylist(c) {
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    const db = c.get("services").db;
    const after = query.cursor ? decodeCursor(query.cursor, positionSchema).p : undefined;
    const { playlist, role } = await authorize(db, id, c.get("principal")?.userId, "view");
    const rows = await listEntries(db, id, query.limit + 1, after);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    versionHeaders(c, playlist);
    return c.json(
      {
        playlist: toPlaylist(playlist, role),
        tracks: page.map(toListedEntry),
        next_cursor: rows.length > query.limit && last ? encodeCursor({ p: last.position }) : null,
      },
      200,
    );
  });
  app.openapi(patchRoute, async function patchPlaylist(c) {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const userId = callerId(c);
    const { playlist, role } = await mutatePlaylist(
      c.get("services").db,
      { playlistId: id, userId, ifMatch: c.req.valid("header")["if-match"], need: body.visibility === undefined ? "edit" : "own" },
      async (trx, locked) => {
        await trx
          .updateTable("users.playlists")
          .set({
            ...(body.name !== undefined ? { name: body.name } : {}),
            ...(body.description !== undefined ? { description: body.description } : {}),
            ...(body.visibility !== undefined ? { visibility: body.visibility } : {}),
          })
          .where("id", "=", locked.id)
          .execute();
      },
    );
    if (!playlist) throw new AppError("NOT_FOUND", `No playlist ${id}.`);
    versionHeaders(c, playlist);
    return c.json(toPlaylist(playlist, role), 200);
  });
  app.openapi(deleteRoute, async function deletePlaylist(c) {
    const { id } = c.req.valid("param");
    await mutatePlaylist(
      c.get("services").db,
      { playlistId: id, userId: callerId(c), ifMatch: c.req.valid("header")["if-match"], need: "own" },
      async (trx, locked) => {
        await trx.deleteFrom("users.playlists").where("id", "=", locked.id).execute();
      },
    );
    return c.body(null, 204);
  });
}
