import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { bearerSecurity, emailSchema } from "../../../auth/schemas.ts";
import type { GatewayEnv } from "../../../platform/edge/context.ts";
import { requireRole } from "../../../platform/edge/authenticate.ts";
import { auditActor } from "../../onboarding/schemas.ts";
import { idParam, problemContent } from "../../schemas.ts";
import { addManager, listManagers, removeManager } from "../managers.ts";

const managerSchema = z.object({ user_id: z.uuid(), email: z.string(), added_at: z.string().openapi({ format: "date-time" }) }).openapi("ArtistManager");

const denied = {
  400: { description: "Invalid id or body", content: problemContent },
  401: { description: "Missing or invalid access token", content: problemContent },
  403: { description: "Not an admin (linking grants the artist role, which editors cannot)", content: problemContent },
  404: { description: "No such artist, account or link", content: problemContent },
  409: { description: "The artist was merged into another profile", content: problemContent },
} as const;

export const listManagersRoute = createRoute({
  method: "get",
  path: "/admin/artists/{id}/managers",
  tags: ["curation"],
  summary: "Who manages an artist profile",
  security: bearerSecurity,
  middleware: [requireRole("admin")] as const,
  request: { params: idParam("artist") },
  responses: {
    200: { description: "Managers, earliest first", content: { "application/json": { schema: z.object({ managers: z.array(managerSchema) }) } } },
    ...denied,
  },
});

export const addManagerRoute = createRoute({
  method: "post",
  path: "/admin/artists/{id}/managers",
  tags: ["curation"],
  summary: "Make an account a manager of an artist profile",
  description:
    "Admins only. The account (found by email; it must be registered) gets the `artist` role if it lacks it and may then upload " +
    "and manage releases for this profile; it is told by email. Audited. Linking it again changes nothing.",
  security: bearerSecurity,
  middleware: [requireRole("admin")] as const,
  request: {
    params: idParam("artist"),
    body: { required: true, content: { "application/json": { schema: z.object({ email: emailSchema }).openapi("ManagerInvitation") } } },
  },
  responses: { 200: { description: "The account manages the profile", content: { "application/json": { schema: managerSchema } } }, ...denied },
});

export const removeManagerRoute = createRoute({
  method: "delete",
  path: "/admin/artists/{id}/managers/{user_id}",
  tags: ["curation"],
  summary: "Stop an account managing an artist profile",
  security: bearerSecurity,
  middleware: [requireRole("admin")] as const,
  request: { params: idParam("artist").extend({ user_id: z.uuid() }) },
  responses: { 204: { description: "Unlinked (the account keeps its artist role)" }, ...denied },
});

export function registerManagerCuration(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(listManagersRoute, async function listArtistManagers(c) {
    return c.json({ managers: await listManagers(c.get("services").db, c.req.valid("param").id) }, 200);
  });
  app.openapi(addManagerRoute, async function addArtistManager(c) {
    const manager = await addManager(c.get("services").db, {
      artistId: c.req.valid("param").id,
      email: c.req.valid("json").email,
      actor: auditActor(c),
      requestId: c.get("requestId"),
      traceparent: c.get("traceparent"),
    });
    c.get("log").info("artist manager added", { artist_id: c.req.valid("param").id, user_id: manager.user_id });
    return c.json(manager, 200);
  });
  app.openapi(removeManagerRoute, async function removeArtistManager(c) {
    const { id, user_id: userId } = c.req.valid("param");
    await removeManager(c.get("services").db, { artistId: id, userId, actor: auditActor(c), requestId: c.get("requestId") });
    c.get("log").info("artist manager removed", { artist_id: id, user_id: userId });
    return c.body(null, 204);
  });
}
