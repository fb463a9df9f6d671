import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import { decodeCursor, encodeCursor } from "../../catalog/cursor.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireAuth } from "../../platform/edge/authenticate.ts";
import { addLike, likeKinds, likeTargetExists, listLikes, removeLike } from "../domain/likes.ts";
import { callerId } from "../../platform/edge/authenticate.ts";
import { authProblems, cursorSchema, limitSchema, nextCursorSchema, problemContent, uuidParam } from "../schemas.ts";

const kindSchema = z.enum(likeKinds, { error: "expected track, album or artist" });
const targetParams = z.object({ kind: kindSchema.openapi({ param: { name: "kind", in: "path" } }), id: uuidParam("id", "track, album or artist") });
const positionSchema = z.object({ at: z.iso.datetime({ precision: 6 }), kind: kindSchema, id: z.uuid() }).strict();

const likeSchema = z.object({ kind: kindSchema, id: z.uuid(), liked_at: z.string().openapi({ format: "date-time" }) }).openapi("Like");

const common = { tags: ["users"], security: [{ bearerAuth: [] }], middleware: requireAuth() };

const putRoute = createRoute({
  ...common,
  method: "put",
  path: "/me/likes/{kind}/{id}",
  summary: "Like a track, album or artist (idempotent)",
  request: { params: targetParams },
  responses: {
    204: { description: "Liked (also when it already was)" },
    400: { description: "Bad kind or id", content: problemContent },
    404: { description: "No such published track, album or artist", content: problemContent },
    ...authProblems,
  },
});

const deleteRoute = createRoute({
  ...common,
  method: "delete",
  path: "/me/likes/{kind}/{id}",
  summary: "Remove a like (idempotent)",
  request: { params: targetParams },
  responses: { 204: { description: "Not liked any more" }, 400: { description: "Bad kind or id", content: problemContent }, ...authProblems },
});

const listRoute = createRoute({
  ...common,
  method: "get",
  path: "/me/likes",
  summary: "The caller's likes, newest first",
  request: { query: z.object({ kind: kindSchema.optional(), cursor: cursorSchema, limit: limitSchema }) },
  responses: {
    200: {
      description: "One page of likes",
      content: { "application/json": { schema: z.object({ likes: z.array(likeSchema), next_cursor: nextCursorSchema }) } },
    },
    400: { description: "Bad kind, limit or cursor", content: problemContent },
    ...authProblems,
  },
});

export function registerLikeRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(putRoute, async function like(c) {
    const { kind, id } = c.req.valid("param");
    const db = c.get("services").db;
    if (!(await likeTargetExists(db, kind, id))) throw new AppError("NOT_FOUND", `No ${kind} with id ${id}.`);
    await addLike(db, callerId(c), kind, id, c.get("traceparent"));
    return c.body(null, 204);
  });
  app.openapi(deleteRoute, async function unlike(c) {
    const { kind, id } = c.req.valid("param");
    await removeLike(c.get("services").db, callerId(c), kind, id, c.get("traceparent"));
    return c.body(null, 204);
  });
  app.openapi(listRoute, async function listMyLikes(c) {
    const query = c.req.valid("query");
    // A cursor of another kind's listing would silently skip rows: it carries the filter it was made for.
    const after = query.cursor ? decodeCursor(query.cursor, positionSchema.extend({ filter: kindSchema.nullable() })) : undefined;
    if (after && after.filter !== (query.kind ?? null)) {
      throw new AppError("BAD_REQUEST", "The cursor belongs to a listing with another kind filter.", {
        errors: [{ field: "query.cursor", message: "cursor of another listing" }],
      });
    }
    const rows = await listLikes(c.get("services").db, callerId(c), query.kind, query.limit + 1, after);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    c.header("cache-control", "no-store");
    return c.json(
      {
        likes: page,
        next_cursor: rows.length > query.limit && last ? encodeCursor({ at: last.liked_at, kind: last.kind, id: last.id, filter: query.kind ?? null }) : null,
      },
      200,
    );
  });
}
