/**
 * Optimistic concurrency for playlists: the ETag is the playlist's version,
 * and every change must name the version it was made against (If-Match).
 */
import { AppError } from "../../../../shared/errors.ts";

/** Strong ETag of a playlist version, e.g. `"7"`. */
export function etagOf(version: string): string {
  return `"${version}"`;
}

/**
 * The versions an If-Match header names. Missing (or `*`, which would skip the
 * check) → 428; tags that are not ours (weak, malformed) name no version, so
 * the write is refused as stale (412) like any other mismatch.
 */
export function ifMatchVersions(header: string | undefined): string[] {
  const value = header?.trim();
  if (!value || value === "*") {
    throw new AppError("PRECONDITION_REQUIRED", 'Send If-Match with the playlist\'s current ETag (e.g. If-Match: "3"); read it from GET /playlists/{id}.');
  }
  return value
    .split(",")
    .map((tag) => /^"([1-9][0-9]{0,17})"$/.exec(tag.trim())?.[1])
    .filter((version): version is string => version !== undefined);
}

export function staleVersion(currentVersion: string): AppError {
  return new AppError("PRECONDITION_FAILED", "The playlist changed since this ETag was read; fetch it again and retry.", {
    headers: { etag: etagOf(currentVersion) },
  });
}
