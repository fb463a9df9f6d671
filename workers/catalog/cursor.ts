import type { z } from "zod";
import { AppError } from "../../shared/errors.ts";

/**
 * Opaque pagination cursors: base64url of a small JSON position. Clients must
 * not build or read them; the server validates them like any other input.
 * @example decodeCursor(encodeCursor({ at: "…", id: "…" }), positionSchema)
 */
export function encodeCursor(position: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(position));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** 400 BAD_REQUEST for anything that is not a cursor this server issued for this listing. */
export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  try {
    if (!/^[A-Za-z0-9_-]{1,2000}$/.test(cursor)) throw new Error("not base64url");
    const binary = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const json = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
    return schema.parse(JSON.parse(json));
  } catch {
    throw new AppError("BAD_REQUEST", "The cursor is malformed or belongs to another listing; use the `next_cursor` of a previous page.", {
      errors: [{ field: "query.cursor", message: "malformed cursor" }],
    });
  }
}
