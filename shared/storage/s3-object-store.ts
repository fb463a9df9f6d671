import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { Readable } from "node:stream";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import { assertObjectKey, knownLength, type ObjectBody, type ObjectStore, type PutOptions } from "./object-store.ts";

export interface S3Settings {
  /** e.g. https://<account>.r2.cloudflarestorage.com, or http://127.0.0.1:4569 for a local server. */
  endpoint?: string | undefined;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Path-style URLs (`endpoint/bucket/key`): local servers and R2 need them. */
  forcePathStyle?: boolean | undefined;
}

export interface S3Bucket {
  client: S3Client;
  bucket: string;
}

/** One client per process: it pools connections. */
export function createS3Bucket(settings: S3Settings): S3Bucket {
  const client = new S3Client({
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    region: settings.region,
    forcePathStyle: settings.forcePathStyle ?? Boolean(settings.endpoint),
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    // By default the SDK adds a CRC32 of the (empty) body to presigned URLs, which
    // every real upload then fails; checksums only where an operation requires them.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  return { client, bucket: settings.bucket };
}

function isNotFound(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 404 || error.name === "NoSuchKey" || error.name === "NotFound");
}

/**
 * ObjectStore over any S3 API.
 * @example createS3ObjectStore(createS3Bucket({ region: "auto", bucket: "media", ... }))
 */
export function createS3ObjectStore({ client, bucket }: S3Bucket): ObjectStore {
  return {
    async put(key: string, body: ObjectBody, options: PutOptions = {}) {
      assertObjectKey(key);
      const length = knownLength(body, options);
      if (body instanceof ReadableStream && length === undefined) throw new TypeError("S3 put of a stream needs contentLength");
      const result = await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          // The SDK's Node HTTP handler streams Node streams, not Web ones.
          Body: body instanceof ReadableStream ? Readable.fromWeb(body as NodeWebReadableStream<Uint8Array>) : body,
          ...(length !== undefined ? { ContentLength: length } : {}),
          ...(options.contentType ? { ContentType: options.contentType } : {}),
        }),
      );
      return { key, size: length ?? 0, contentType: options.contentType, etag: result.ETag };
    },
    async get(key) {
      assertObjectKey(key);
      try {
        const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!result.Body) return null;
        return {
          key,
          size: result.ContentLength ?? 0,
          contentType: result.ContentType,
          etag: result.ETag,
          body: result.Body.transformToWebStream() as ReadableStream<Uint8Array>,
        };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
    async head(key) {
      assertObjectKey(key);
      try {
        const result = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return { key, size: result.ContentLength ?? 0, contentType: result.ContentType, etag: result.ETag };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
    async delete(key) {
      assertObjectKey(key);
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}
