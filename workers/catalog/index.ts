/**
 * The catalog context at the edge (read side): published tracks, albums in
 * order, artists with their top tracks, cover URLs.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../platform/edge/context.ts";
import { registerGetAlbum } from "./routes/get-album.ts";
import { registerGetArtist } from "./routes/get-artist.ts";
import { registerGetTrack } from "./routes/get-track.ts";
import { registerListTracks } from "./routes/list-tracks.ts";

export function registerCatalog(app: OpenAPIHono<GatewayEnv>): void {
  registerListTracks(app);
  registerGetTrack(app);
  registerGetAlbum(app);
  registerGetArtist(app);
}
