import { z } from "@hono/zod-openapi";

export { cursorSchema, limitSchema, problemContent } from "../catalog/schemas.ts";

export const usersSource = "/tunec/users";

export const uuidParam = (name: string, what: string) =>
  z.uuid({ error: `expected a ${what} id (uuid)` }).openapi({ param: { name, in: "path" }, example: "0b9f5c1e-6a5e-4a57-9a35-2f0d3b6f4c11" });

export const nextCursorSchema = z.string().nullable().openapi({ description: "Opaque; null on the last page." });

export const authProblems = {
  401: {
    description: "Missing, invalid or expired access token",
    content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
  },
} as const;
