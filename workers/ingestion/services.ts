/**
 * The ingestion context's services at the edge, built from the Worker's
 * bindings once per isolate (the only ingestion file that reads bindings).
 * R2 mode with R2's S3 API configured: presigned uploads straight to the
 * bucket, reads through the binding; without it (development): uploads
 * through the Worker, large files in parts through the binding's multipart API.
 * Under Deno or Node without an R2 binding, the routes answer 503.
 */
import type { Context } from "hono";
import { ConfigError, ingestionEdgeConfigSchema, parseConfig } from "../../shared/config.ts";
import { AppError } from "../../shared/errors.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import { createR2ObjectStore, hasMultipart, type R2BucketLike } from "../../shared/storage/r2-object-store.ts";
import type { GatewayEnv } from "../platform/edge/context.ts";
import { r2UploadTarget, type UploadTarget } from "./domain/upload-targets.ts";
import { createUploadSigner, uploadSigningKey, type UploadSigner } from "./domain/upload-url.ts";

export interface IngestionServices {
  /** The media bucket: the R2 binding, or S3 in S3 mode. */
  store: ObjectStore;
  target: UploadTarget;
  /** The R2 binding, when the edge itself takes the bytes (no S3 API configured). */
  bucket?: R2BucketLike;
  signer: UploadSigner;
  urlTtlSeconds: number;
  /** Enables /internal/objects for the origin (embedded mode). */
  internalToken: string | undefined;
}

// A deliberate isolate cache, keyed by the bindings object like the gateway's app cache.
const cache = new WeakMap<object, Promise<IngestionServices | null>>();

function isBucket(value: unknown): value is R2BucketLike {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { put?: unknown }).put === "function" &&
    typeof (value as { head?: unknown }).head === "function"
  );
}

/** The services a Worker's bindings describe; null when there is no media bucket at all. */
export async function buildIngestionServices(env: Record<string, unknown>, log: { warn(message: string): void }): Promise<IngestionServices | null> {
  const config = parseConfig(ingestionEdgeConfigSchema, env);
  const signer = createUploadSigner(await uploadSigningKey(config.UPLOAD_SIGNING_KEY));
  if (!config.UPLOAD_SIGNING_KEY) log.warn("UPLOAD_SIGNING_KEY is not set: upload URLs are signed with a key that dies with this isolate");
  const common = { signer, urlTtlSeconds: config.UPLOAD_URL_TTL_SECONDS, internalToken: config.STORAGE_INTERNAL_TOKEN };
  if (config.UPLOAD_STORAGE === "s3") {
    // Loaded only in S3 mode: the AWS SDK is large.
    const { s3IngestionParts } = await import("./s3-services.ts");
    return { ...common, ...s3IngestionParts(config) };
  }
  if (!isBucket(env.MEDIA)) return null;
  const store = createR2ObjectStore(env.MEDIA);
  if (config.S3_BUCKET) {
    // The same bucket through R2's S3 API: artists' bytes go straight to R2 (presigned, multipart for
    // large files) instead of through the Worker; the binding still reads, checks and serves them.
    const { s3IngestionParts } = await import("./s3-services.ts");
    return { ...common, store, target: s3IngestionParts(config).target };
  }
  const multipart = { multipartThresholdBytes: config.UPLOAD_MULTIPART_THRESHOLD_BYTES, partSize: config.UPLOAD_PART_SIZE_BYTES };
  return { ...common, store, bucket: env.MEDIA, target: r2UploadTarget(signer, hasMultipart(env.MEDIA) ? env.MEDIA : undefined, multipart) };
}

/** This request's ingestion services; 503 where none are configured. */
export async function ingestionServices(c: Context<GatewayEnv>): Promise<IngestionServices> {
  const env: unknown = c.env;
  if (typeof env !== "object" || env === null) throw unavailable();
  let services = cache.get(env);
  if (!services) {
    services = buildIngestionServices(env as Record<string, unknown>, c.get("log"));
    cache.set(env, services);
    services.catch(() => cache.delete(env));
  }
  let resolved: IngestionServices | null;
  try {
    resolved = await services;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    c.get("log").error("invalid ingestion configuration", { issues: error.issues });
    throw new AppError("SERVICE_UNAVAILABLE", "Uploads are misconfigured on this server; operators have been alerted.");
  }
  if (!resolved) throw unavailable();
  return resolved;
}

function unavailable(): AppError {
  return new AppError("SERVICE_UNAVAILABLE", "Uploads are not configured on this server (no media bucket).");
}
