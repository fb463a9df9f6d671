/**
 * Direct-to-bucket uploads on S3: presigned PUT for ordinary files, presigned
 * multipart for large ones. The client never holds bucket credentials; each URL
 * allows one operation on one key until it expires.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { S3Bucket } from "./s3-object-store.ts";

/** S3's smallest part (except the last); 16 MiB keeps a 500 MB file at 32 parts. */
export const defaultPartSizeBytes = 16 * 1024 * 1024;

export interface PresignedPut {
  method: "PUT";
  url: string;
  /** Headers the upload must send exactly: they are part of the signature. */
  headers: Record<string, string>;
}

/** A PUT URL bound to the key, the content type and the exact length. */
export async function presignPut(
  { client, bucket }: S3Bucket,
  key: string,
  options: { contentType: string; contentLength: number; expiresInSeconds: number },
): Promise<PresignedPut> {
  const command = new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: options.contentType, ContentLength: options.contentLength });
  const url = await getSignedUrl(client, command, {
    expiresIn: options.expiresInSeconds,
    signableHeaders: new Set(["content-type", "content-length"]),
  });
  return { method: "PUT", url, headers: { "content-type": options.contentType } };
}

export interface MultipartPlan {
  uploadId: string;
  partSize: number;
  parts: Array<{ partNumber: number; url: string; size: number }>;
}

/** Starts a multipart upload and presigns every part of a file of `contentLength` bytes. */
export async function presignMultipart(
  { client, bucket }: S3Bucket,
  key: string,
  options: { contentType: string; contentLength: number; expiresInSeconds: number; partSize?: number },
): Promise<MultipartPlan> {
  const partSize = options.partSize ?? defaultPartSizeBytes;
  const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: options.contentType }));
  const uploadId = created.UploadId;
  if (!uploadId) throw new Error("CreateMultipartUpload returned no UploadId");
  const parts = await presignParts({ client, bucket }, key, uploadId, {
    contentLength: options.contentLength,
    partSize,
    expiresInSeconds: options.expiresInSeconds,
  });
  return { uploadId, partSize, parts };
}

/** Part URLs of an existing multipart upload: at its start, or fresh ones to resume it. */
export async function presignParts(
  { client, bucket }: S3Bucket,
  key: string,
  uploadId: string,
  options: { contentLength: number; partSize: number; expiresInSeconds: number },
): Promise<MultipartPlan["parts"]> {
  const count = Math.ceil(options.contentLength / options.partSize);
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const partNumber = index + 1;
      const size = Math.min(options.partSize, options.contentLength - index * options.partSize);
      const command = new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, ContentLength: size });
      const url = await getSignedUrl(client, command, { expiresIn: options.expiresInSeconds, signableHeaders: new Set(["content-length"]) });
      return { partNumber, url, size };
    }),
  );
}

/** The parts S3 holds for a multipart upload (ListParts, every page). */
export async function listUploadedParts(
  { client, bucket }: S3Bucket,
  key: string,
  uploadId: string,
): Promise<Array<{ partNumber: number; etag: string; size: number }>> {
  const parts: Array<{ partNumber: number; etag: string; size: number }> = [];
  let marker: string | undefined;
  for (let page = 0; page < 10; page++) {
    const listed = await client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, ...(marker ? { PartNumberMarker: marker } : {}) }));
    for (const part of listed.Parts ?? []) {
      if (part.PartNumber !== undefined && part.ETag) parts.push({ partNumber: part.PartNumber, etag: part.ETag, size: part.Size ?? 0 });
    }
    if (!listed.IsTruncated || !listed.NextPartNumberMarker) break;
    marker = listed.NextPartNumberMarker;
  }
  return parts;
}

export async function completeMultipart(
  { client, bucket }: S3Bucket,
  key: string,
  uploadId: string,
  parts: ReadonlyArray<{ partNumber: number; etag: string }>,
): Promise<void> {
  await client.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      UploadId: uploadId,
      MultipartUpload: { Parts: [...parts].sort((a, b) => a.partNumber - b.partNumber).map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
    }),
  );
}

export async function abortMultipart({ client, bucket }: S3Bucket, key: string, uploadId: string): Promise<void> {
  await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
}
