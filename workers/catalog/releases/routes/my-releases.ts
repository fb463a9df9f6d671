import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../../shared/errors.ts";
import { bearerSecurity } from "../../../auth/schemas.ts";
import type { GatewayEnv } from "../../../platform/edge/context.ts";
import { requireRole } from "../../../platform/edge/authenticate.ts";
import { callerId } from "../../../platform/edge/authenticate.ts";
import { managesArtist } from "../../artist-managers.ts";
import { decodeCursor, encodeCursor } from "../../cursor.ts";
import { cursorSchema, idParam, limitSchema, problemContent } from "../../schemas.ts";
import { createRelease, findManagedRelease, listManagedReleases } from "../releases.ts";
import { releaseInputSchema, releaseListSchema, releaseSchema, releaseSummaryView, releaseView } from "../schemas.ts";

const accessResponses = {
  401: { description: "Missing or invalid access token", content: problemContent },
  403: { description: "The caller is not an artist", content: problemContent },
} as const;

export const createReleaseRoute = createRoute({
  method: "post",
  path: "/me/releases",
  tags: ["artists"],
  summary: "Create a release (album, EP or single)",
  description:
    "Artists, for a profile they manage. The release starts empty; uploads (POST /tracks with release_id and position) fill it, " +
    "and GET /albums/{id} shows it to listeners once one of its tracks is published.",
  security: bearerSecurity,
  middleware: [requireRole("artist")] as const,
  request: { body: { required: true, content: { "application/json": { schema: releaseInputSchema } } } },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: releaseSchema } } },
    400: { description: "Invalid input", content: problemContent },
    ...accessResponses,
    403: { description: "Not an artist, or not a manager of this artist profile", content: problemContent },
  },
});

const positionSchema = z.object({ at: z.iso.datetime({ precision: 6 }), id: z.uuid() }).strict();

export const listReleasesRoute = createRoute({
  method: "get",
  path: "/me/releases",
  tags: ["artists"],
  summary: "My releases, newest first",
  description: "The releases of every artist profile the caller manages, or of one (`artist_id`).",
  security: bearerSecurity,
  middleware: [requireRole("artist")] as const,
  request: { query: z.object({ artist_id: z.uuid({ error: "expected an artist id (uuid)" }).optional(), cursor: cursorSchema, limit: limitSchema }) },
  responses: {
    200: { description: "One page of releases", content: { "application/json": { schema: releaseListSchema } } },
    400: { description: "A malformed filter, limit or cursor", content: problemContent },
    ...accessResponses,
  },
});

export const getReleaseRoute = createRoute({
  method: "get",
  path: "/me/releases/{id}",
  tags: ["artists"],
  summary: "One of my releases with all its tracks",
  security: bearerSecurity,
  middleware: [requireRole("artist")] as const,
  request: { params: idParam("release") },
  responses: {
    200: { description: "The release", content: { "application/json": { schema: releaseSchema } } },
    400: { description: "The id is not a uuid", content: problemContent },
    ...accessResponses,
    404: { description: "No release of a profile the caller manages has this id", content: problemContent },
  },
});

export function registerMyReleases(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(createReleaseRoute, async function createMyRelease(c) {
    const body = c.req.valid("json");
    const userId = callerId(c);
    const { db, mediaBaseUrl } = c.get("services");
    if (!(await managesArtist(db, userId, body.artist_id))) throw new AppError("FORBIDDEN", "You do not manage this artist profile.");
    const release = await createRelease(db, {
      artistId: body.artist_id,
      title: body.title,
      type: body.type,
      releaseDate: body.release_date ?? null,
      genres: body.genres,
    });
    c.get("log").info("release created", { release_id: release.id, artist_id: release.artist_id });
    c.header("location", `/me/releases/${release.id}`);
    return c.json(releaseView({ release, tracks: [] }, mediaBaseUrl), 201);
  });

  app.openapi(listReleasesRoute, async function listMyReleases(c) {
    const query = c.req.valid("query");
    const { db, mediaBaseUrl } = c.get("services");
    const after = query.cursor ? decodeCursor(query.cursor, positionSchema) : undefined;
    const rows = await listManagedReleases(db, { userId: callerId(c), artistId: query.artist_id, limit: query.limit + 1, after });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    c.header("cache-control", "no-store");
    return c.json(
      {
        items: page.map((release) => releaseSummaryView(release, mediaBaseUrl)),
        next_cursor: rows.length > query.limit && last ? encodeCursor({ at: last.created_at, id: last.id }) : null,
      },
      200,
    );
  });

  app.openapi(getReleaseRoute, async function getMyRelease(c) {
    const { db, mediaBaseUrl } = c.get("services");
    const found = await findManagedRelease(db, callerId(c), c.req.valid("param").id);
    c.header("cache-control", "no-store");
    return c.json(releaseView(found, mediaBaseUrl), 200);
  });
}
