import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../../shared/errors.ts";
import { decodeCursor, encodeCursor } from "../../../catalog/cursor.ts";
import type { GatewayEnv } from "../../../platform/edge/context.ts";
import { requireAuth } from "../../../platform/edge/authenticate.ts";
import { callerId } from "../../../platform/edge/authenticate.ts";
import { authProblems, cursorSchema, limitSchema, problemContent, uuidParam } from "../../schemas.ts";
import { findImport, listImportEntries, retryAfterSeconds } from "../../domain/imports/repository.ts";
import { importWithEntriesSchema } from "../schemas.ts";
import { entryView, importView } from "../../domain/imports/view.ts";

const statusFilter = z.enum(["matched", "unmatched"], { error: "expected matched or unmatched" });
const positionSchema = z.object({ after: z.int().min(0), filter: statusFilter.nullable() }).strict();

export const getImportRoute = createRoute({
  method: "get",
  path: "/me/imports/{id}",
  tags: ["users"],
  summary: "An import's status, progress and report",
  description:
    "Status, processed/total, matched and unmatched counts, and the entries in source order (filter with ?status=matched|unmatched, page with the cursor). Poll while status is queued, reading or matching (Retry-After says how soon).",
  security: [{ bearerAuth: [] }],
  middleware: requireAuth(),
  request: {
    params: z.object({ id: uuidParam("id", "import") }),
    query: z.object({ status: statusFilter.optional(), cursor: cursorSchema, limit: limitSchema }),
  },
  responses: {
    200: { description: "The import", content: { "application/json": { schema: importWithEntriesSchema } } },
    400: { description: "Bad id, status, limit or cursor", content: problemContent },
    404: { description: "No such import of the caller's", content: problemContent },
    ...authProblems,
  },
});

export function registerGetImport(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(getImportRoute, async function getMyImport(c) {
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    const db = c.get("services").db;
    const job = await findImport(db, id);
    // Another user's import is as absent as a missing one: ids are not confirmed to strangers.
    if (!job || job.user_id !== callerId(c)) throw new AppError("NOT_FOUND", "No import of yours has this id.");
    const filter = query.status ?? null;
    const position = query.cursor ? decodeCursor(query.cursor, positionSchema) : undefined;
    if (position && position.filter !== filter)
      throw new AppError("BAD_REQUEST", "The cursor belongs to another status filter.", {
        errors: [{ field: "query.cursor", message: "cursor of another filter" }],
      });
    const rows = await listImportEntries(db, id, { status: query.status, afterPosition: position?.after, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const retryAfter = retryAfterSeconds(job);
    if (retryAfter !== null) c.header("retry-after", String(retryAfter));
    c.header("cache-control", "no-store");
    return c.json(
      {
        ...importView(job),
        entries: page.map(entryView),
        next_cursor: rows.length > query.limit && last ? encodeCursor({ after: last.position, filter }) : null,
      },
      200,
    );
  });
}
