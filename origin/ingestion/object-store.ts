import { ConfigError, type NodeConfig } from "../../shared/config.ts";
import { createHttpObjectStore } from "../../shared/storage/http-object-store.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import { createS3Bucket, createS3ObjectStore } from "../../shared/storage/s3-object-store.ts";

export type StorageConfig = Pick<
  NodeConfig,
  | "S3_ENDPOINT"
  | "S3_REGION"
  | "S3_BUCKET"
  | "S3_ACCESS_KEY_ID"
  | "S3_SECRET_ACCESS_KEY"
  | "S3_FORCE_PATH_STYLE"
  | "STORAGE_INTERNAL_TOKEN"
  | "STORAGE_EDGE_URL"
  | "GATEWAY_PORT"
>;

/**
 * The media bucket as the origin sees it: S3 when S3_BUCKET is set (in
 * production R2's own S3 API), else the edge's R2 through its internal
 * endpoint, which is how the embedded default (miniflare's R2 on local disk
 * under `npm start`) is shared between the Worker and the origin.
 */
export function createOriginObjectStore(config: StorageConfig): ObjectStore {
  if (config.S3_BUCKET) {
    const missing = (["S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const).filter((name) => !config[name]);
    if (missing.length > 0) throw new ConfigError(missing.map((variable) => ({ variable, problem: "is required when S3_BUCKET is set" })));
    return createS3ObjectStore(
      createS3Bucket({
        endpoint: config.S3_ENDPOINT,
        region: config.S3_REGION,
        bucket: config.S3_BUCKET,
        accessKeyId: config.S3_ACCESS_KEY_ID ?? "",
        secretAccessKey: config.S3_SECRET_ACCESS_KEY ?? "",
        forcePathStyle: config.S3_FORCE_PATH_STYLE === undefined ? undefined : config.S3_FORCE_PATH_STYLE === "true",
      }),
    );
  }
  if (!config.STORAGE_INTERNAL_TOKEN) {
    throw new ConfigError([
      {
        variable: "STORAGE_INTERNAL_TOKEN",
        problem: "is required for the ingestion services unless S3_BUCKET is set (npm start generates one in DATA_DIR)",
      },
    ]);
  }
  return createHttpObjectStore({
    baseUrl: config.STORAGE_EDGE_URL ?? `http://127.0.0.1:${config.GATEWAY_PORT}`,
    token: config.STORAGE_INTERNAL_TOKEN,
  });
}
