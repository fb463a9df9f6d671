import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireAuth } from "../../platform/edge/authenticate.ts";
import { authorize } from "../domain/playlists/access.ts";
import { follow, inviteEditor, removeEditor, unfollow } from "../domain/playlists/members.ts";
import { mutatePlaylist } from "../domain/playlists/mutations.ts";
import { ifMatchHeaders, playlistSchema, toPlaylist, versionHeaders } from "../playlists/schemas.ts";
import { callerId } from "../../platform/edge/authenticate.ts";
import { authProblems, problemContent, uuidParam } from "../schemas.ts";

const common = { tags: ["playlists"], security: [{ bearerAuth: [] }], middleware: requireAuth() };
const playlistParams = z.object({ id: uuidParam("id", "playlist") });
const editorParams = playlistParams.extend({ userId: uuidParam("userId", "user") });
const jsonPlaylist = { "application/json": { schema: playlistSchema } };
const problems = {
  400: { description: "Invalid input", content: problemContent },
  ...authProblems,
  403: { description: "The caller may not do this to this playlist", content: problemContent },
  404: { description: "No such playlist (a private playlist of somebody else is 404 too)", content: problemContent },
} as const;
const versionProblems = {
  ...problems,
  412: { description: "Stale If-Match", content: problemContent },
  428: { description: "If-Match missing", content: problemContent },
} as const;

const inviteRoute = createRoute({
  ...common,
  method: "put",
  path: "/playlists/{id}/editors/{userId}",
  summary: "Invite an editor (owner only); the playlist becomes collaborative",
  request: { params: editorParams, headers: ifMatchHeaders },
  responses: {
    200: { description: "The playlist with its new ETag", content: jsonPlaylist },
    ...versionProblems,
    409: { description: "Too many editors", content: problemContent },
  },
});

const removeRoute = createRoute({
  ...common,
  method: "delete",
  path: "/playlists/{id}/editors/{userId}",
  summary: "Remove an editor (the owner), or leave (the editor)",
  request: { params: editorParams, headers: ifMatchHeaders },
  responses: { 200: { description: "The playlist with its new ETag", content: jsonPlaylist }, ...versionProblems },
});

const followRoute = createRoute({
  ...common,
  method: "put",
  path: "/playlists/{id}/follow",
  summary: "Follow a playlist the caller can see (idempotent)",
  request: { params: playlistParams },
  responses: { 204: { description: "Following" }, ...problems },
});

const unfollowRoute = createRoute({
  ...common,
  method: "delete",
  path: "/playlists/{id}/follow",
  summary: "Stop following (idempotent)",
  request: { params: playlistParams },
  responses: { 204: { description: "Not following" }, ...problems },
});

export function registerPlaylistMemberRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(inviteRoute, async function invitePlaylistEditor(c) {
    const { id, userId: editorId } = c.req.valid("param");
    const { playlist, role } = await mutatePlaylist(
      c.get("services").db,
      { playlistId: id, userId: callerId(c), ifMatch: c.req.valid("header")["if-match"], need: "own" },
      (trx, locked) => inviteEditor(trx, locked, editorId),
    );
    if (!playlist) throw new AppError("NOT_FOUND", `No playlist ${id}.`);
    versionHeaders(c, playlist);
    return c.json(toPlaylist(playlist, role), 200);
  });
  app.openapi(removeRoute, async function removePlaylistEditor(c) {
    const { id, userId: editorId } = c.req.valid("param");
    const caller = callerId(c);
    const { playlist } = await mutatePlaylist(
      c.get("services").db,
      { playlistId: id, userId: caller, ifMatch: c.req.valid("header")["if-match"], need: "edit" },
      (trx, locked) => removeEditor(trx, locked, caller, editorId),
    );
    if (!playlist) throw new AppError("NOT_FOUND", `No playlist ${id}.`);
    versionHeaders(c, playlist);
    // An editor who left may no longer see a private playlist; their role is recomputed.
    const role = playlist.owner_id === caller ? "owner" : playlist.editors.includes(caller) ? "editor" : "viewer";
    return c.json(toPlaylist(playlist, role), 200);
  });
  app.openapi(followRoute, async function followPlaylist(c) {
    const { id } = c.req.valid("param");
    const db = c.get("services").db;
    const userId = callerId(c);
    await authorize(db, id, userId, "view");
    await follow(db, id, userId);
    return c.body(null, 204);
  });
  app.openapi(unfollowRoute, async function unfollowPlaylist(c) {
    const { id } = c.req.valid("param");
    await unfollow(c.get("services").db, id, callerId(c));
    return c.body(null, 204);
  });
}
