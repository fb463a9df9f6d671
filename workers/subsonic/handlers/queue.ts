/** getPlayQueue / savePlayQueue: the queue shared with PUT /me/play-queue. */
import { findTracks } from "../../catalog/repository.ts";
import { SubsonicError, errorCodes } from "../envelope.ts";
import type { SubsonicHandler } from "../handler.ts";
import { findPlayQueue, maxPositionMs, maxQueuedTracks, savePlayQueue as save } from "../play-queue.ts";
import { isUuid, notFound } from "./browsing.ts";
import { songsOf } from "./hydrate.ts";

/** No queue saved answers an empty envelope, as Navidrome does: the spec has no "none" playQueue. */
export const getPlayQueue: SubsonicHandler = async ({ db, account }) => {
  const queue = await findPlayQueue(db, account.userId);
  if (!queue) return {};
  // Tracks taken down since the save are left out: a player cannot play them.
  const tracks = await findTracks(db, queue.track_ids);
  return {
    playQueue: {
      current: queue.current ?? undefined,
      position: queue.position_ms,
      username: account.email,
      changed: queue.changed_at,
      changedBy: queue.changed_by,
      entry: await songsOf(db, account.userId, tracks),
    },
  };
};

export const savePlayQueue: SubsonicHandler = async ({ db, params, account }) => {
  const ids = params.all("id");
  if (ids.length > maxQueuedTracks) throw new SubsonicError(errorCodes.generic, `A play queue holds at most ${maxQueuedTracks} songs.`);
  for (const id of ids) if (!isUuid(id)) throw notFound("Song");
  const trackIds = ids.map((id) => id.toLowerCase());
  const current = params.get("current")?.toLowerCase();
  // OpenSubsonic: current is required unless the queue is empty, and must be one of it.
  if (trackIds.length > 0 && current === undefined) params.required("current");
  if (current !== undefined && trackIds.length > 0 && !trackIds.includes(current))
    throw new SubsonicError(errorCodes.generic, "current must be one of the ids.");
  const positionMs = params.int("position", { min: 0, max: maxPositionMs, fallback: 0 });
  const client = (params.get("c") ?? "subsonic").slice(0, 100);
  await save(db, account.userId, { trackIds, current: trackIds.length > 0 ? (current ?? null) : null, positionMs, changedBy: client });
  return {};
};
