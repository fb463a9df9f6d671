import type { z } from "@hono/zod-openapi";
import { requireRole } from "../../platform/edge/authenticate.ts";
import { bearerSecurity, problemContent } from "../schemas.ts";

/** What every ads admin route shares: tag, bearer security and the admin role check. */
export const adminOnly = {
  tags: ["ads"],
  security: bearerSecurity,
  middleware: requireRole("admin"),
};

export const denied = {
  401: { description: "Missing or invalid access token", content: problemContent },
  403: { description: "The caller is not an admin", content: problemContent },
};

export const json = <S extends z.ZodType>(schema: S) => ({ "application/json": { schema } });
