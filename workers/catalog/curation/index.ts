/** Catalog curation by admins and editors (docs/roles.md): every change audited, reaching search through CDC. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { registerAlbumCuration } from "./routes/albums.ts";
import { registerArtistCuration } from "./routes/artists.ts";
import { registerEditTrack } from "./routes/edit-track.ts";
import { registerManagerCuration } from "./routes/managers.ts";
import { registerTrackAvailability } from "./routes/track-availability.ts";

export function registerCuration(app: OpenAPIHono<GatewayEnv>): void {
  registerEditTrack(app);
  registerTrackAvailability(app);
  registerArtistCuration(app);
  registerAlbumCuration(app);
  registerManagerCuration(app);
}
