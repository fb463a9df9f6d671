/**
 * Keyset positions for the admin listings (newest first by `(created_at, id)`).
 * The time travels as PostgreSQL printed it (`created_at::text`, microseconds
 * included): an ISO string from a JS Date keeps milliseconds only, and rows a
 * few microseconds apart would be skipped or repeated across pages.
 */
import { z } from "@hono/zod-openapi";
import { decodeCursor, encodeCursor } from "../catalog/cursor.ts";

const exactTime = z.string().regex(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2}){0,2}|Z)$/);
const positionSchema = z.object({ at: exactTime, id: z.string().min(1).max(40) });

export interface Position {
  /** `created_at::text`, compared back as `::timestamptz`. */
  at: string;
  id: string;
}

export function readPosition(cursor: string | undefined, idSchema: z.ZodType<string> = z.uuid()): Position | undefined {
  if (cursor === undefined) return undefined;
  const position = decodeCursor(cursor, positionSchema.extend({ id: idSchema }));
  return { at: position.at, id: position.id };
}

/** The next page's cursor: rows were fetched with `limit + 1`, so one more than `limit` means there is a next page. */
export function nextCursor<T>(rows: readonly T[], limit: number, position: (row: T) => Position): string | null {
  const last = rows[limit - 1];
  return rows.length > limit && last ? encodeCursor(position(last)) : null;
}
