/**
 * Object keys of the media bucket. Deterministic per upload and track, so a
 * retried transcode overwrites its own objects instead of adding new ones.
 */
export const sourceKey = (uploadId: string) => `uploads/${uploadId}/source`;
export const renditionKey = (trackId: string, file: string) => `tracks/${trackId}/${file}`;
export const coverKey = (trackId: string, extension: string) => `tracks/${trackId}/cover.${extension}`;
