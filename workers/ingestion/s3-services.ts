import type { IngestionEdgeConfig } from "../../shared/config.ts";
import { createS3FetchObjectStore } from "../../shared/storage/s3-fetch-object-store.ts";
import { createS3FetchBucket } from "../../shared/storage/s3-fetch.ts";
import { s3UploadTarget } from "./domain/upload-targets.ts";

/** S3 mode at the edge: presigned uploads straight to the bucket; the edge only signs and checks, with aws4fetch (not the AWS SDK: Worker size). */
export function s3IngestionParts(config: IngestionEdgeConfig) {
  const bucket = createS3FetchBucket({
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    bucket: config.S3_BUCKET ?? "",
    accessKeyId: config.S3_ACCESS_KEY_ID ?? "",
    secretAccessKey: config.S3_SECRET_ACCESS_KEY ?? "",
    forcePathStyle: config.S3_FORCE_PATH_STYLE === undefined ? undefined : config.S3_FORCE_PATH_STYLE === "true",
  });
  return {
    store: createS3FetchObjectStore(bucket),
    target: s3UploadTarget(bucket, { multipartThresholdBytes: config.UPLOAD_MULTIPART_THRESHOLD_BYTES, partSize: config.UPLOAD_PART_SIZE_BYTES }),
  };
}
