import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { decodeCursor, encodeCursor } from "../../catalog/cursor.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireAuth } from "../../platform/edge/authenticate.ts";
import { listHistory } from "../domain/history.ts";
import { callerId } from "../../platform/edge/authenticate.ts";
import { authProblems, cursorSchema, limitSchema, nextCursorSchema, problemContent } from "../schemas.ts";

const positionSchema = z.object({ at: z.iso.datetime({ precision: 6 }), id: z.uuid() }).strict();

const playSchema = z
  .object({ play_id: z.uuid(), track_id: z.uuid(), quality: z.string(), started_at: z.string().openapi({ format: "date-time" }) })
  .openapi("Play");

const route = createRoute({
  method: "get",
  path: "/me/history",
  tags: ["users"],
  summary: "The caller's listening history, newest first",
  description: "Fed by PlaybackStarted events, so a play shows up shortly after it started.",
  security: [{ bearerAuth: [] }],
  middleware: [requireAuth()] as const,
  request: { query: z.object({ cursor: cursorSchema, limit: limitSchema }) },
  responses: {
    200: {
      description: "One page of plays",
      content: { "application/json": { schema: z.object({ plays: z.array(playSchema), next_cursor: nextCursorSchema }) } },
    },
    400: { description: "Bad limit or cursor", content: problemContent },
    ...authProblems,
  },
});

export function registerHistoryRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(route, async function myHistory(c) {
    const query = c.req.valid("query");
    const after = query.cursor ? decodeCursor(query.cursor, positionSchema) : undefined;
    const rows = await listHistory(c.get("services").db, callerId(c), query.limit + 1, after);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    c.header("cache-control", "no-store");
    return c.json({ plays: page, next_cursor: rows.length > query.limit && last ? encodeCursor({ at: last.started_at, id: last.play_id }) : null }, 200);
  });
}
