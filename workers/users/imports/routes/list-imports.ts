import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { decodeCursor, encodeCursor } from "../../../catalog/cursor.ts";
import type { GatewayEnv } from "../../../platform/edge/context.ts";
import { requireAuth } from "../../../platform/edge/authenticate.ts";
import { callerId } from "../../../platform/edge/authenticate.ts";
import { authProblems, cursorSchema, limitSchema, nextCursorSchema, problemContent } from "../../schemas.ts";
import { listImports } from "../../domain/imports/repository.ts";
import { importSchema } from "../schemas.ts";
import { importView } from "../../domain/imports/view.ts";

const positionSchema = z.object({ at: z.iso.datetime(), id: z.uuid() }).strict();

export const listImportsRoute = createRoute({
  method: "get",
  path: "/me/imports",
  tags: ["users"],
  summary: "The caller's imports, newest first",
  security: [{ bearerAuth: [] }],
  middleware: requireAuth(),
  request: { query: z.object({ cursor: cursorSchema, limit: limitSchema }) },
  responses: {
    200: {
      description: "One page of imports",
      content: { "application/json": { schema: z.object({ imports: z.array(importSchema), next_cursor: nextCursorSchema }) } },
    },
    400: { description: "Bad limit or cursor", content: problemContent },
    ...authProblems,
  },
});

export function registerListImports(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(listImportsRoute, async function listMyImports(c) {
    const query = c.req.valid("query");
    const after = query.cursor ? decodeCursor(query.cursor, positionSchema) : undefined;
    const rows = await listImports(c.get("services").db, callerId(c), query.limit + 1, after && { at: new Date(after.at), id: after.id });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    c.header("cache-control", "no-store");
    return c.json(
      {
        imports: page.map(importView),
        next_cursor: rows.length > query.limit && last ? encodeCursor({ at: last.created_at.toISOString(), id: last.id }) : null,
      },
      200,
    );
  });
}
