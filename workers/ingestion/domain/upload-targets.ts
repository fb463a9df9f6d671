/**
 * Where an artist's bytes go. R2: to the edge itself, which verifies the
 * signed URL and streams the body into its R2 binding (a large file in parts,
 * through the binding's multipart API). S3: straight to the bucket with
 * presigned PUT, or presigned parts for large files. The client follows the
 * same instructions either way.
 */
import type { R2MultipartBucketLike } from "../../../shared/storage/r2-object-store.ts";
import type { S3FetchBucket } from "../../../shared/storage/s3-fetch.ts";
import {
  abortMultipart,
  completeMultipart,
  defaultPartSizeBytes,
  listUploadedParts,
  presignMultipart,
  presignParts,
  presignPut,
} from "../../../shared/storage/s3-presign.ts";
import type { UploadSigner } from "./upload-url.ts";

export interface UploadRequest {
  uploadId: string;
  userId: string;
  sourceKey: string;
  sizeBytes: number;
  contentType: string;
  expiresAt: Date;
  /** Origin of the request, for the edge's own upload URL. */
  baseUrl: string;
}

export type UploadInstructions =
  | { method: "PUT"; url: string; headers: Record<string, string> }
  | {
      method: "MULTIPART";
      part_size: number;
      /** PUT each part to its URL, then send the parts' ETags to POST /uploads/{id}/complete. */
      parts: Array<{ part_number: number; url: string; size: number }>;
    };

export interface IssuedUpload {
  instructions: UploadInstructions;
  /** The multipart upload to complete later, kept in the upload row with its part size. */
  multipartUploadId: string | null;
  partSize: number | null;
}

export interface UploadedPart {
  part_number: number;
  size: number;
  etag: string;
}

export interface UploadTarget {
  kind: "r2" | "s3";
  issue(request: UploadRequest): Promise<IssuedUpload>;
  /**
   * Fresh instructions for an upload already started (same parts, new expiry),
   * and the parts the bucket already holds: null when the target cannot tell
   * (the edge's own parts are recorded in ingestion.upload_parts instead).
   */
  reissue(
    request: UploadRequest,
    multipart: { uploadId: string; partSize: number } | null,
  ): Promise<{ instructions: UploadInstructions; uploadedParts: UploadedPart[] | null }>;
  /** S3 multipart: assembles the parts (R2 and single PUTs have nothing to do). */
  complete(sourceKey: string, multipartUploadId: string | null, parts: ReadonlyArray<{ partNumber: number; etag: string }>): Promise<void>;
}

export interface MultipartOptions {
  /** Files above this go up in parts. */
  multipartThresholdBytes?: number;
  partSize?: number;
}

/** Every part `partSize` bytes but the last: R2 requires equal parts, S3 at least 5 MiB each. */
export function partPlan(sizeBytes: number, partSize: number): Array<{ partNumber: number; size: number }> {
  return Array.from({ length: Math.ceil(sizeBytes / partSize) }, (_, index) => ({
    partNumber: index + 1,
    size: Math.min(partSize, sizeBytes - index * partSize),
  }));
}

/** The edge's part URL: the part's number and size are signed, and the size travels so the edge knows what to expect. */
export async function r2PartUrl(signer: UploadSigner, request: UploadRequest, part: { partNumber: number; size: number }): Promise<string> {
  const exp = Math.floor(request.expiresAt.getTime() / 1000);
  const sig = await signer.sign({
    uploadId: request.uploadId,
    userId: request.userId,
    sizeBytes: part.size,
    contentType: request.contentType,
    expiresAt: exp,
    partNumber: part.partNumber,
  });
  const url = new URL(`/uploads/${request.uploadId}/parts/${part.partNumber}`, request.baseUrl);
  url.searchParams.set("size", String(part.size));
  url.searchParams.set("exp", String(exp));
  url.searchParams.set("sig", sig);
  return url.toString();
}

/** R2 parts carry bare ETags; a client may send back the quoted header form. */
const bareEtag = (etag: string) => etag.replace(/^W\//, "").replace(/^"(.*)"$/, "$1");

async function r2Put(signer: UploadSigner, request: UploadRequest): Promise<UploadInstructions> {
  const exp = Math.floor(request.expiresAt.getTime() / 1000);
  const sig = await signer.sign({
    uploadId: request.uploadId,
    userId: request.userId,
    sizeBytes: request.sizeBytes,
    contentType: request.contentType,
    expiresAt: exp,
  });
  const url = new URL(`/uploads/${request.uploadId}/content`, request.baseUrl);
  url.searchParams.set("exp", String(exp));
  url.searchParams.set("sig", sig);
  return { method: "PUT", url: url.toString(), headers: { "content-type": request.contentType } };
}

async function r2Parts(signer: UploadSigner, request: UploadRequest, partSize: number): Promise<UploadInstructions> {
  const parts = await Promise.all(
    partPlan(request.sizeBytes, partSize).map(async (part) => ({ part_number: part.partNumber, url: await r2PartUrl(signer, request, part), size: part.size })),
  );
  return { method: "MULTIPART", part_size: partSize, parts };
}

export function r2UploadTarget(signer: UploadSigner, bucket?: R2MultipartBucketLike, options: MultipartOptions = {}): UploadTarget {
  const threshold = options.multipartThresholdBytes ?? multipartThresholdBytes;
  const partSize = options.partSize ?? defaultPartSizeBytes;
  return {
    kind: "r2",
    async issue(request) {
      if (bucket && request.sizeBytes > threshold) {
        const created = await bucket.createMultipartUpload(request.sourceKey, { httpMetadata: { contentType: request.contentType } });
        return { instructions: await r2Parts(signer, request, partSize), multipartUploadId: created.uploadId, partSize };
      }
      return { instructions: await r2Put(signer, request), multipartUploadId: null, partSize: null };
    },
    async reissue(request, multipart) {
      return { instructions: multipart ? await r2Parts(signer, request, multipart.partSize) : await r2Put(signer, request), uploadedParts: null };
    },
    async complete(sourceKey, multipartUploadId, parts) {
      if (!multipartUploadId) return;
      if (!bucket) throw new Error("a multipart upload without a multipart-capable bucket");
      // Not aborted on refusal (unlike S3 below): the parts stay, and the client may complete again with the right ETags.
      await bucket
        .resumeMultipartUpload(sourceKey, multipartUploadId)
        .complete([...parts].sort((a, b) => a.partNumber - b.partNumber).map((part) => ({ partNumber: part.partNumber, etag: bareEtag(part.etag) })));
    },
  };
}

/** Files above this go up in parts (S3's advice: multipart from about 100 MB). */
export const multipartThresholdBytes = 100 * 1024 * 1024;

export function s3UploadTarget(bucket: S3FetchBucket, options: MultipartOptions = {}): UploadTarget {
  const threshold = options.multipartThresholdBytes ?? multipartThresholdBytes;
  return {
    kind: "s3",
    async issue(request) {
      const expiresInSeconds = Math.max(1, Math.round((request.expiresAt.getTime() - Date.now()) / 1000));
      if (request.sizeBytes <= threshold) {
        const put = await presignPut(bucket, request.sourceKey, { contentType: request.contentType, contentLength: request.sizeBytes, expiresInSeconds });
        return { instructions: put, multipartUploadId: null, partSize: null };
      }
      const plan = await presignMultipart(bucket, request.sourceKey, {
        contentType: request.contentType,
        contentLength: request.sizeBytes,
        expiresInSeconds,
        ...(options.partSize ? { partSize: options.partSize } : {}),
      });
      return {
        instructions: {
          method: "MULTIPART",
          part_size: plan.partSize,
          parts: plan.parts.map((part) => ({ part_number: part.partNumber, url: part.url, size: part.size })),
        },
        multipartUploadId: plan.uploadId,
        partSize: plan.partSize,
      };
    },
    async reissue(request, multipart) {
      const expiresInSeconds = Math.max(1, Math.round((request.expiresAt.getTime() - Date.now()) / 1000));
      if (!multipart) {
        return {
          instructions: await presignPut(bucket, request.sourceKey, { contentType: request.contentType, contentLength: request.sizeBytes, expiresInSeconds }),
          uploadedParts: [],
        };
      }
      const parts = await presignParts(bucket, request.sourceKey, multipart.uploadId, {
        contentLength: request.sizeBytes,
        partSize: multipart.partSize,
        expiresInSeconds,
      });
      // A store without ListParts (some S3 look-alikes) cannot say what it holds: the client sends every part again,
      // which S3 allows (a part sent twice replaces itself).
      const uploaded = await listUploadedParts(bucket, request.sourceKey, multipart.uploadId).catch(() => []);
      return {
        instructions: {
          method: "MULTIPART",
          part_size: multipart.partSize,
          parts: parts.map((part) => ({ part_number: part.partNumber, url: part.url, size: part.size })),
        },
        uploadedParts: uploaded.map((part) => ({ part_number: part.partNumber, size: part.size, etag: part.etag })),
      };
    },
    async complete(sourceKey, multipartUploadId, parts) {
      if (!multipartUploadId) return;
      try {
        await completeMultipart(bucket, sourceKey, multipartUploadId, parts);
      } catch (error) {
        await abortMultipart(bucket, sourceKey, multipartUploadId).catch(() => undefined);
        throw error;
      }
    },
  };
}
