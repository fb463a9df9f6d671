import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AuditActor } from "../../../shared/audit/audit-log.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import type { ArtistApplication } from "./applications.ts";

export const applicationStatuses = ["pending", "approved", "rejected"] as const;

// Links are shown to the admin who decides, never fetched by the server.
const linkSchema = z
  .url({ protocol: /^https?$/, error: "expected an http(s) URL" })
  .max(500, "at most 500 characters")
  .openapi({ example: "https://vk.com/kino_official" });

export const applicationInputSchema = z
  .object({
    artist_name: z.string().trim().min(1, "must not be empty").max(200, "at most 200 characters").openapi({ example: "Кино" }),
    links: z.array(linkSchema).max(5, "at most 5 links").default([]).openapi({ description: "Where the admins can check who you are (site, social pages)." }),
    claim_artist_id: z
      .uuid({ error: "expected an artist id (uuid)" })
      .nullable()
      .optional()
      .openapi({ description: "An existing artist profile you say is yours; approval links it instead of creating one." }),
  })
  .openapi("ArtistApplicationInput");

export const applicationSchema = z
  .object({
    id: z.uuid(),
    user_id: z.uuid(),
    artist_name: z.string(),
    links: z.array(z.string()),
    claim_artist_id: z.uuid().nullable(),
    status: z.enum(applicationStatuses),
    reason: z.string().nullable().openapi({ description: "Why it was rejected." }),
    artist_id: z.uuid().nullable().openapi({ description: "The artist profile approval created or linked." }),
    decided_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("ArtistApplication");

export function applicationView(application: ArtistApplication): z.infer<typeof applicationSchema> {
  return {
    id: application.id,
    user_id: application.userId,
    artist_name: application.artistName,
    links: application.links,
    claim_artist_id: application.claimArtistId,
    status: application.status,
    reason: application.reason,
    artist_id: application.artistId,
    decided_at: application.decidedAt,
    created_at: application.createdAt,
  };
}

/** The acting account as the audit log records it; the route guards ensure a principal. */
export function auditActor(c: Context<GatewayEnv>): AuditActor {
  const principal = c.get("principal");
  return { userId: principal?.userId ?? null, roles: principal?.roles ?? [] };
}
