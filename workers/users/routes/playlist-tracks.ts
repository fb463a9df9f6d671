import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireAuth } from "../../platform/edge/authenticate.ts";
import { mutatePlaylist } from "../domain/playlists/mutations.ts";
import { entrySchema, ifMatchHeaders, playlistSchema, toPlaylist, versionHeaders } from "../playlists/schemas.ts";
import { addTracks, maxPlaylistTracks, moveEntry, removeEntry } from "../domain/playlists/tracks.ts";
import { callerId } from "../../platform/edge/authenticate.ts";
import { authProblems, problemContent, uuidParam } from "../schemas.ts";

const common = { tags: ["playlists"], security: [{ bearerAuth: [] }], middleware: requireAuth() };
const playlistParams = z.object({ id: uuidParam("id", "playlist") });
const entryParams = playlistParams.extend({ entryId: uuidParam("entryId", "playlist entry") });
const writeProblems = {
  400: { description: "Invalid input", content: problemContent },
  ...authProblems,
  403: { description: "The caller may see but not change this playlist", content: problemContent },
  404: { description: "No such playlist or entry (a private playlist of somebody else is 404 too)", content: problemContent },
  412: { description: "Stale If-Match: the playlist changed since it was read", content: problemContent },
  428: { description: "If-Match missing", content: problemContent },
} as const;

const beforeSchema = z
  .uuid({ error: "expected an entry id (uuid) or null" })
  .nullable()
  .openapi({ description: "Put the tracks just before this entry; null or absent = at the end." });

const addSchema = z
  .object({
    track_ids: z
      .array(z.uuid({ error: "expected a track id (uuid)" }))
      .min(1, "give 1–100 track ids")
      .max(100, "give 1–100 track ids"),
    before_entry_id: beforeSchema.optional(),
  })
  .strict()
  .openapi("PlaylistAddTracks");

const addRoute = createRoute({
  ...common,
  method: "post",
  path: "/playlists/{id}/tracks",
  summary: `Add published tracks (a playlist holds at most ${maxPlaylistTracks})`,
  request: { params: playlistParams, headers: ifMatchHeaders, body: { required: true, content: { "application/json": { schema: addSchema } } } },
  responses: {
    201: {
      description: "The new entries in order, and the playlist with its new ETag",
      content: { "application/json": { schema: z.object({ playlist: playlistSchema, entries: z.array(entrySchema) }) } },
    },
    ...writeProblems,
    409: { description: "playlist-full: the tracks would take the playlist past 10,000", content: problemContent },
  },
});

const moveRoute = createRoute({
  ...common,
  method: "patch",
  path: "/playlists/{id}/tracks/{entryId}",
  summary: "Move one entry (rewrites that entry only)",
  request: {
    params: entryParams,
    headers: ifMatchHeaders,
    body: { required: true, content: { "application/json": { schema: z.object({ before_entry_id: beforeSchema }).strict().openapi("PlaylistMoveEntry") } } },
  },
  responses: { 200: { description: "The playlist with its new ETag", content: { "application/json": { schema: playlistSchema } } }, ...writeProblems },
});

const removeRoute = createRoute({
  ...common,
  method: "delete",
  path: "/playlists/{id}/tracks/{entryId}",
  summary: "Remove one entry",
  request: { params: entryParams, headers: ifMatchHeaders },
  responses: { 200: { description: "The playlist with its new ETag", content: { "application/json": { schema: playlistSchema } } }, ...writeProblems },
});

export function registerPlaylistTrackRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(addRoute, async function addPlaylistTracks(c) {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const userId = callerId(c);
    const { playlist, role, result } = await mutatePlaylist(
      c.get("services").db,
      { playlistId: id, userId, ifMatch: c.req.valid("header")["if-match"], need: "edit" },
      (trx, locked) =>
        addTracks(trx, locked, { trackIds: body.track_ids, beforeEntryId: body.before_entry_id ?? null, userId, traceparent: c.get("traceparent") }),
    );
    if (!playlist) throw new AppError("NOT_FOUND", `No playlist ${id}.`);
    versionHeaders(c, playlist);
    return c.json({ playlist: toPlaylist(playlist, role), entries: result }, 201);
  });
  app.openapi(moveRoute, async function movePlaylistEntry(c) {
    const { id, entryId } = c.req.valid("param");
    const { before_entry_id: before } = c.req.valid("json");
    const { playlist, role } = await mutatePlaylist(
      c.get("services").db,
      { playlistId: id, userId: callerId(c), ifMatch: c.req.valid("header")["if-match"], need: "edit" },
      (trx, locked) => moveEntry(trx, locked, entryId, before),
    );
    if (!playlist) throw new AppError("NOT_FOUND", `No playlist ${id}.`);
    versionHeaders(c, playlist);
    return c.json(toPlaylist(playlist, role), 200);
  });
  app.openapi(removeRoute, async function removePlaylistEntry(c) {
    const { id, entryId } = c.req.valid("param");
    const { playlist, role } = await mutatePlaylist(
      c.get("services").db,
      { playlistId: id, userId: callerId(c), ifMatch: c.req.valid("header")["if-match"], need: "edit" },
      (trx, locked) => removeEntry(trx, locked, entryId),
    );
    if (!playlist) throw new AppError("NOT_FOUND", `No playlist ${id}.`);
    versionHeaders(c, playlist);
    return c.json(toPlaylist(playlist, role), 200);
  });
}
