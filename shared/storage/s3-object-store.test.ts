import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalS3, type LocalS3 } from "../../test/s3-server.ts";
import { objectStoreContract } from "./object-store.contract.ts";
import { createS3FetchObjectStore } from "./s3-fetch-object-store.ts";
import { createS3ObjectStore } from "./s3-object-store.ts";
import { completeMultipart, presignMultipart, presignPut } from "./s3-presign.ts";

objectStoreContract("S3 (s3rver)", async () => {
  const s3 = await startLocalS3();
  return { store: createS3ObjectStore(s3.bucket), cleanup: () => s3.stop() };
});

objectStoreContract("S3 over fetch + aws4fetch, the edge's adapter (s3rver)", async () => {
  const s3 = await startLocalS3();
  return { store: createS3FetchObjectStore(s3.edge), cleanup: () => s3.stop() };
});

describe("S3 direct uploads", () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3();
  });
  afterAll(async () => {
    await s3.stop();
  });

  it("a presigned PUT stores the client's bytes without bucket credentials", async () => {
    const body = new TextEncoder().encode("ID3 pretend audio");
    const presigned = await presignPut(s3.edge, "uploads/a/source", { contentType: "audio/mpeg", contentLength: body.byteLength, expiresInSeconds: 60 });
    expect(presigned.url).toContain("X-Amz-Signature=");
    // No empty-body checksum in the URL: real S3 would refuse every upload.
    expect(presigned.url).not.toContain("x-amz-checksum");
    expect(presigned.url).toMatch(/X-Amz-SignedHeaders=[^&]*content-length/);
    const response = await fetch(presigned.url, { method: "PUT", headers: presigned.headers, body });
    expect(response.status).toBe(200);
    expect(await createS3ObjectStore(s3.bucket).head("uploads/a/source")).toMatchObject({ size: body.byteLength, contentType: "audio/mpeg" });
  });

  it("an expired presigned PUT is refused", async () => {
    const presigned = await presignPut(s3.edge, "uploads/b/source", { contentType: "audio/mpeg", contentLength: 1, expiresInSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const response = await fetch(presigned.url, { method: "PUT", headers: presigned.headers, body: "x" });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("Request has expired");
    expect(await createS3ObjectStore(s3.bucket).head("uploads/b/source")).toBeNull();
  });

  it("a multipart upload through presigned part URLs assembles the whole file", async () => {
    const partSize = 5 * 1024 * 1024;
    const size = partSize * 2 + 1234;
    const file = new Uint8Array(size);
    for (let i = 0; i < size; i++) file[i] = (i * 7) % 256;
    const plan = await presignMultipart(s3.edge, "uploads/c/source", { contentType: "audio/flac", contentLength: size, expiresInSeconds: 60, partSize });
    expect(plan.parts.map((part) => part.size)).toEqual([partSize, partSize, 1234]);
    const etags = await Promise.all(
      plan.parts.map(async (part) => {
        const start = (part.partNumber - 1) * partSize;
        const response = await fetch(part.url, { method: "PUT", body: file.slice(start, start + part.size) });
        expect(response.status).toBe(200);
        return { partNumber: part.partNumber, etag: response.headers.get("etag") ?? "" };
      }),
    );
    await completeMultipart(s3.edge, "uploads/c/source", plan.uploadId, etags);
    const stored = await createS3ObjectStore(s3.bucket).get("uploads/c/source");
    expect(stored?.size).toBe(size);
    expect(stored?.contentType).toBe("audio/flac");
    const bytes = new Uint8Array(await new Response(stored?.body).arrayBuffer());
    expect(bytes.every((byte, i) => byte === (i * 7) % 256)).toBe(true);
  });
});
