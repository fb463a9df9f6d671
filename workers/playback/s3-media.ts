/**
 * S3 mode: media URLs are presigned GETs straight to the bucket (R2's S3 API,
 * AWS, or any S3 server behind a CDN); the edge only decides and signs. Such a
 * URL cannot consult the stream lease, so in S3 mode the lease is enforced when
 * URLs are issued and the URL's short lifetime bounds the rest. Signed with
 * aws4fetch (shared/storage/s3-fetch.ts), not the AWS SDK: Worker size.
 */
import { ingestionEdgeConfigSchema, parseConfig } from "../../shared/config.ts";
import { createS3FetchBucket, presignS3Url } from "../../shared/storage/s3-fetch.ts";
import type { MediaUrlIssuer } from "./media-url.ts";

export function s3MediaUrls(env: Record<string, unknown>, defaultTtlSeconds: number): MediaUrlIssuer {
  const config = parseConfig(ingestionEdgeConfigSchema, { ...env, UPLOAD_STORAGE: "s3" });
  const bucket = createS3FetchBucket({
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    bucket: config.S3_BUCKET ?? "",
    accessKeyId: config.S3_ACCESS_KEY_ID ?? "",
    secretAccessKey: config.S3_SECRET_ACCESS_KEY ?? "",
    forcePathStyle: config.S3_FORCE_PATH_STYLE === undefined ? undefined : config.S3_FORCE_PATH_STYLE === "true",
  });
  return {
    async issue(input) {
      const expiresInSeconds = input.expiresInSeconds ?? defaultTtlSeconds;
      const now = input.now ?? Date.now();
      const url = await presignS3Url(bucket, "GET", input.objectKey, { expiresInSeconds });
      return { url, expiresAt: new Date(Math.floor(now / 1000) * 1000 + expiresInSeconds * 1000) };
    },
  };
}
