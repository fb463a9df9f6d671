/**
 * The users context at the edge: profiles, likes, listening history (written
 * by the origin's PlaybackStarted consumer) and playlists.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../platform/edge/context.ts";
import { registerHistoryRoutes } from "./routes/history.ts";
import { registerLikeRoutes } from "./routes/likes.ts";
import { registerPlaylistMemberRoutes } from "./routes/playlist-members.ts";
import { registerPlaylistTrackRoutes } from "./routes/playlist-tracks.ts";
import { registerPlaylistRoutes } from "./routes/playlist.ts";
import { registerPlaylistsRoutes } from "./routes/playlists.ts";
import { registerProfileRoutes } from "./routes/profile.ts";

export function registerUsers(app: OpenAPIHono<GatewayEnv>): void {
  registerProfileRoutes(app);
  registerLikeRoutes(app);
  registerHistoryRoutes(app);
  registerPlaylistsRoutes(app);
  registerPlaylistRoutes(app);
  registerPlaylistTrackRoutes(app);
  registerPlaylistMemberRoutes(app);
}
