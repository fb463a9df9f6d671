import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import { listTracks } from "../repository.ts";
import { cursorSchema, limitSchema, problemContent, toTrack, trackSchema } from "../schemas.ts";

const positionSchema = z.object({ at: z.iso.datetime({ precision: 6 }), id: z.uuid() }).strict();

const querySchema = z.object({
  artist: z.uuid({ error: "expected an artist id (uuid)" }).optional().openapi({ description: "Main or credited artist." }),
  album: z.uuid({ error: "expected an album id (uuid)" }).optional(),
  genre: z.string().min(1).max(50).optional().openapi({ example: "rock" }),
  language: z
    .string()
    .regex(/^[a-z]{2,3}$/, "expected an ISO 639 code such as ru or en")
    .optional()
    .openapi({ example: "ru" }),
  explicit: z.enum(["true", "false"], { error: "expected true or false" }).optional(),
  cursor: cursorSchema,
  limit: limitSchema,
});

const route = createRoute({
  method: "get",
  path: "/tracks",
  tags: ["catalog"],
  summary: "Published tracks, newest first",
  description: "Filters combine with AND. Pages are ordered by publication time then id, so a cursor stays valid while tracks are added.",
  request: { query: querySchema },
  responses: {
    200: {
      description: "One page of tracks",
      content: {
        "application/json": {
          schema: z.object({ tracks: z.array(trackSchema), next_cursor: z.string().nullable().openapi({ description: "Null on the last page." }) }),
        },
      },
    },
    400: { description: "A malformed filter, limit or cursor", content: problemContent },
  },
});

export function registerListTracks(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(route, async function listPublishedTracks(c) {
    const query = c.req.valid("query");
    const after = query.cursor ? decodeCursor(query.cursor, positionSchema) : undefined;
    const filters = {
      artistId: query.artist,
      albumId: query.album,
      genre: query.genre,
      language: query.language,
      explicit: query.explicit === undefined ? undefined : query.explicit === "true",
    };
    const services = c.get("services");
    const rows = await listTracks(services.db, filters, query.limit + 1, after);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    c.header("cache-control", "public, max-age=30");
    return c.json(
      {
        tracks: page.map((row) => toTrack(row, services.mediaBaseUrl)),
        next_cursor: rows.length > query.limit && last ? encodeCursor({ at: last.published_at, id: last.id }) : null,
      },
      200,
    );
  });
}
