import { AppError } from "../../shared/errors.ts";
import type { PlayableRendition, PlayableTrack } from "./repository.ts";
import type { StreamQuality } from "./stream-lease.ts";

/** The rendition a listener gets: the asked quality if entitled, else the plan's default (premium → high). */
export function chooseRendition(track: PlayableTrack, requested: StreamQuality | undefined, premium: boolean): PlayableRendition {
  if (requested === "high" && !premium) {
    throw new AppError("PREMIUM_REQUIRED", "High quality needs a premium subscription; ask for quality=standard or subscribe.");
  }
  const wanted: StreamQuality = requested ?? (premium ? "high" : "standard");
  const byQuality = (quality: StreamQuality) => track.renditions.find((rendition) => rendition.quality === quality);
  // Without an explicit ask, a premium listener still plays a track that only has standard.
  const rendition = byQuality(wanted) ?? (requested === undefined ? byQuality("standard") : undefined);
  if (!rendition) throw new AppError("NOT_FOUND", `The track has no ${wanted} rendition.`);
  return rendition;
}
