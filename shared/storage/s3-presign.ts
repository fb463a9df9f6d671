/**
 * Direct-to-bucket uploads on S3: presigned PUT for ordinary files, presigned
 * multipart for large ones. The client never holds bucket credentials; each URL
 * allows one operation on one key until it expires. Runs at the edge, so it
 * signs with aws4fetch (s3-fetch.ts), not the AWS SDK.
 */
import { type S3FetchBucket, escapeXml, presignS3Url, s3Fetch, xmlElements, xmlText } from "./s3-fetch.ts";

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
  bucket: S3FetchBucket,
  key: string,
  options: { contentType: string; contentLength: number; expiresInSeconds: number },
): Promise<PresignedPut> {
  const url = await presignS3Url(bucket, "PUT", key, {
    expiresInSeconds: options.expiresInSeconds,
    headers: { "content-type": options.contentType, "content-length": String(options.contentLength) },
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
  bucket: S3FetchBucket,
  key: string,
  options: { contentType: string; contentLength: number; expiresInSeconds: number; partSize?: number },
): Promise<MultipartPlan> {
  const partSize = options.partSize ?? defaultPartSizeBytes;
  const created = await s3Fetch(bucket, "CreateMultipartUpload", key, {
    method: "POST",
    query: { uploads: "" },
    headers: { "content-type": options.contentType },
  });
  const uploadId = xmlText(await created.text(), "UploadId");
  if (!uploadId) throw new Error("CreateMultipartUpload returned no UploadId");
  const parts = await presignParts(bucket, key, uploadId, { contentLength: options.contentLength, partSize, expiresInSeconds: options.expiresInSeconds });
  return { uploadId, partSize, parts };
}

/** Part URLs of an existing multipart upload: at its start, or fresh ones to resume it. */
export async function presignParts(
  bucket: S3FetchBucket,
  key: string,
  uploadId: string,
  options: { contentLength: number; partSize: number; expiresInSeconds: number },
): Promise<MultipartPlan["parts"]> {
  const count = Math.ceil(options.contentLength / options.partSize);
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const partNumber = index + 1;
      const size = Math.min(options.partSize, options.contentLength - index * options.partSize);
      const url = await presignS3Url(bucket, "PUT", key, {
        expiresInSeconds: options.expiresInSeconds,
        query: { partNumber: String(partNumber), uploadId },
        headers: { "content-length": String(size) },
      });
      return { partNumber, url, size };
    }),
  );
}

/** The parts S3 holds for a multipart upload (ListParts, every page). */
export async function listUploadedParts(
  bucket: S3FetchBucket,
  key: string,
  uploadId: string,
): Promise<Array<{ partNumber: number; etag: string; size: number }>> {
  const parts: Array<{ partNumber: number; etag: string; size: number }> = [];
  let marker: string | undefined;
  for (let page = 0; page < 10; page++) {
    const response = await s3Fetch(bucket, "ListParts", key, { method: "GET", query: { uploadId, ...(marker ? { "part-number-marker": marker } : {}) } });
    const xml = await response.text();
    for (const part of xmlElements(xml, "Part")) {
      const partNumber = Number(xmlText(part, "PartNumber"));
      const etag = xmlText(part, "ETag");
      if (Number.isSafeInteger(partNumber) && etag) parts.push({ partNumber, etag, size: Number(xmlText(part, "Size") ?? 0) });
    }
    const next = xmlText(xml, "NextPartNumberMarker");
    if (xmlText(xml, "IsTruncated") !== "true" || !next) break;
    marker = next;
  }
  return parts;
}

export async function completeMultipart(
  bucket: S3FetchBucket,
  key: string,
  uploadId: string,
  parts: ReadonlyArray<{ partNumber: number; etag: string }>,
): Promise<void> {
  const body = `<CompleteMultipartUpload>${[...parts]
    .sort((a, b) => a.partNumber - b.partNumber)
    .map((part) => `<Part><PartNumber>${part.partNumber}</PartNumber><ETag>${escapeXml(part.etag)}</ETag></Part>`)
    .join("")}</CompleteMultipartUpload>`;
  const response = await s3Fetch(bucket, "CompleteMultipartUpload", key, {
    method: "POST",
    query: { uploadId },
    headers: { "content-type": "application/xml" },
    body,
  });
  // S3 may answer 200 with an <Error> body when assembly fails after the headers went out.
  const text = await response.text();
  if (/<Error>/.test(text)) throw new Error(`CompleteMultipartUpload failed: ${xmlText(text, "Code") ?? "unknown error"}`);
}

export async function abortMultipart(bucket: S3FetchBucket, key: string, uploadId: string): Promise<void> {
  await s3Fetch(bucket, "AbortMultipartUpload", key, { method: "DELETE", query: { uploadId } });
}
