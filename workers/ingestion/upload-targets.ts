/**
 * Where an artist's bytes go. R2: to the edge itself, which verifies the
 * signed URL and streams the body into its R2 binding. S3: straight to the
 * bucket with presigned PUT, or presigned parts for large files.
 */
import type { S3Bucket } from "../../shared/storage/s3-object-store.ts";
import { abortMultipart, completeMultipart, presignMultipart, presignPut } from "../../shared/storage/s3-presign.ts";
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
  /** The S3 multipart upload to complete later, kept in the upload row. */
  multipartUploadId: string | null;
}

export interface UploadTarget {
  kind: "r2" | "s3";
  issue(request: UploadRequest): Promise<IssuedUpload>;
  /** S3 multipart: assembles the parts (R2 and single PUTs have nothing to do). */
  complete(sourceKey: string, multipartUploadId: string | null, parts: ReadonlyArray<{ partNumber: number; etag: string }>): Promise<void>;
}

export function r2UploadTarget(signer: UploadSigner): UploadTarget {
  return {
    kind: "r2",
    async issue(request) {
      const exp = Math.floor(request.expiresAt.getTime() / 1000);
      const sig = await signer.sign({ uploadId: request.uploadId, userId: request.userId, sizeBytes: request.sizeBytes, contentType: request.contentType, expiresAt: exp });
      const url = new URL(`/uploads/${request.uploadId}/content`, request.baseUrl);
      url.searchParams.set("exp", String(exp));
      url.searchParams.set("sig", sig);
      return { instructions: { method: "PUT", url: url.toString(), headers: { "content-type": request.contentType } }, multipartUploadId: null };
    },
    async complete() {},
  };
}

/** Files above this go up in parts (S3's advice: multipart from about 100 MB). */
export const multipartThresholdBytes = 100 * 1024 * 1024;

export function s3UploadTarget(bucket: S3Bucket, options: { multipartThresholdBytes?: number; partSize?: number } = {}): UploadTarget {
  const threshold = options.multipartThresholdBytes ?? multipartThresholdBytes;
  return {
    kind: "s3",
    async issue(request) {
      const expiresInSeconds = Math.max(1, Math.round((request.expiresAt.getTime() - Date.now()) / 1000));
      if (request.sizeBytes <= threshold) {
        const put = await presignPut(bucket, request.sourceKey, { contentType: request.contentType, contentLength: request.sizeBytes, expiresInSeconds });
        return { instructions: put, multipartUploadId: null };
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
