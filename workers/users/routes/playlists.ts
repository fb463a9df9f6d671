import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { decodeCursor, encodeCursor } from "../../catalog/cursor.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireAuth } from "../../platform/edge/authenticate.ts";
import { findPlaylist, listMyPlaylists } from "../domain/playlists/repository.ts";
import { descriptionSchema, nameSchema, playlistSchema, toPlaylist, versionHeaders, visibilitySchema } from "../playlists/schemas.ts";
import { callerId } from "../../platform/edge/authenticate.ts";
import { authProblems, cursorSchema, limitSchema, nextCursorSchema, problemContent } from "../schemas.ts";

const common = { tags: ["playlists"], security: [{ bearerAuth: [] }], middleware: requireAuth() };

const createSchema = z
  .object({ name: nameSchema, description: descriptionSchema.optional(), visibility: visibilitySchema.default("private") })
  .strict()
  .openapi("PlaylistCreate");

const createPlaylistRoute = createRoute({
  ...common,
  method: "post",
  path: "/playlists",
  summary: "Create a playlist (private unless said otherwise)",
  request: { body: { required: true, content: { "application/json": { schema: createSchema } } } },
  responses: {
    201: { description: "Created; ETag holds its version", content: { "application/json": { schema: playlistSchema } } },
    400: { description: "Invalid fields", content: problemContent },
    ...authProblems,
  },
});

const positionSchema = z.object({ at: z.iso.datetime({ precision: 6 }), id: z.uuid() }).strict();

const listRoute = createRoute({
  ...common,
  method: "get",
  path: "/playlists",
  summary: "The caller's playlists: owned, editable and followed, newest first",
  request: {
    query: z.object({
      role: z
        .enum(["owner", "editor", "follower"], { error: "expected owner, editor or follower" })
        .optional()
        .openapi({ description: "Only playlists the caller has this relation to." }),
      cursor: cursorSchema,
      limit: limitSchema,
    }),
  },
  responses: {
    200: {
      description: "One page of playlists",
      content: { "application/json": { schema: z.object({ playlists: z.array(playlistSchema), next_cursor: nextCursorSchema }) } },
    },
    400: { description: "Bad role, limit or cursor", content: problemContent },
    ...authProblems,
  },
});

export function registerPlaylistsRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(createPlaylistRoute, async function createPlaylist(c) {
    const body = c.req.valid("json");
    const db = c.get("services").db;
    const created = await db
      .insertInto("users.playlists")
      .values({ owner_id: callerId(c), name: body.name, description: body.description ?? null, visibility: body.visibility })
      .returning("id")
      .executeTakeFirstOrThrow();
    const record = await findPlaylist(db, created.id);
    if (!record) throw new Error("a playlist vanished right after its insert");
    versionHeaders(c, record);
    c.header("location", `/playlists/${record.id}`);
    return c.json(toPlaylist(record, "owner"), 201);
  });
  app.openapi(listRoute, async function listPlaylists(c) {
    const query = c.req.valid("query");
    const after = query.cursor ? decodeCursor(query.cursor, positionSchema) : undefined;
    const rows = await listMyPlaylists(c.get("services").db, callerId(c), query.role, query.limit + 1, after);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    c.header("cache-control", "no-store");
    return c.json(
      {
        playlists: page.map((row) => toPlaylist(row, row.role)),
        next_cursor: rows.length > query.limit && last ? encodeCursor({ at: last.created_at, id: last.id }) : null,
      },
      200,
    );
  });
}
