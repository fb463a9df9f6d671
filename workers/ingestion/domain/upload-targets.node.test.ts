import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, ingestionEdgeConfigSchema, parseConfig } from "../../../shared/config.ts";
import type { S3FetchBucket } from "../../../shared/storage/s3-fetch.ts";
import { createS3ObjectStore } from "../../../shared/storage/s3-object-store.ts";
import { listUploadedParts } from "../../../shared/storage/s3-presign.ts";
import { startLocalS3, type LocalS3 } from "../../../test/s3-server.ts";
import { buildIngestionServices } from "../services.ts";
import { s3UploadTarget } from "./upload-targets.ts";

describe("S3 upload target (s3rver)", () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3();
  });
  afterAll(async () => {
    await s3.stop();
  });

  const request = (uploadId: string, sizeBytes: number) => ({
    uploadId,
    userId: crypto.randomUUID(),
    sourceKey: `uploads/${uploadId}/source`,
    sizeBytes,
    contentType: "audio/flac",
    expiresAt: new Date(Date.now() + 600_000),
    baseUrl: "https://tunec.test",
  });

  it("issues one presigned PUT for an ordinary file", async () => {
    const target = s3UploadTarget(s3.edge);
    const issued = await target.issue(request("a1", 1000));
    expect(issued.multipartUploadId).toBeNull();
    if (issued.instructions.method !== "PUT") throw new Error("expected PUT");
    expect(new URL(issued.instructions.url).searchParams.get("X-Amz-Expires")).toBe("600");
    const response = await fetch(issued.instructions.url, { method: "PUT", headers: issued.instructions.headers, body: new Uint8Array(1000) });
    expect(response.status).toBe(200);
    expect((await createS3ObjectStore(s3.bucket).head("uploads/a1/source"))?.size).toBe(1000);
  });

  it("issues presigned parts for a large file and assembles them at completion", async () => {
    const partSize = 5 * 1024 * 1024;
    const target = s3UploadTarget(s3.edge, { multipartThresholdBytes: partSize, partSize });
    const size = partSize + 4321;
    const issued = await target.issue(request("b2", size));
    expect(issued.multipartUploadId).toEqual(expect.any(String));
    if (issued.instructions.method !== "MULTIPART") throw new Error("expected MULTIPART");
    expect(issued.instructions.parts.map((p) => [p.part_number, p.size])).toEqual([
      [1, partSize],
      [2, 4321],
    ]);
    const parts = [];
    for (const part of issued.instructions.parts) {
      const response = await fetch(part.url, { method: "PUT", body: new Uint8Array(part.size).fill(part.part_number) });
      expect(response.status).toBe(200);
      parts.push({ partNumber: part.part_number, etag: response.headers.get("etag") ?? "" });
    }
    await target.complete("uploads/b2/source", issued.multipartUploadId, parts);
    expect((await createS3ObjectStore(s3.bucket).head("uploads/b2/source"))?.size).toBe(size);
  });

  it("resumes a multipart upload with fresh part URLs, even on a store without ListParts", async () => {
    const partSize = 5 * 1024 * 1024;
    const target = s3UploadTarget(s3.edge, { multipartThresholdBytes: partSize, partSize });
    const size = partSize + 1000;
    const issued = await target.issue(request("b3", size));
    if (issued.instructions.method !== "MULTIPART" || !issued.multipartUploadId) throw new Error("expected MULTIPART");
    const [first] = issued.instructions.parts;
    if (!first) throw new Error("parts expected");
    const sent = await fetch(first.url, { method: "PUT", body: new Uint8Array(first.size).fill(1) });
    expect(sent.status).toBe(200);

    const resumed = await target.reissue(request("b3", size), { uploadId: issued.multipartUploadId, partSize });
    // s3rver has no ListParts: nothing is reported held, and the client would send every part again.
    expect(resumed.uploadedParts).toEqual([]);
    if (resumed.instructions.method !== "MULTIPART") throw new Error("expected MULTIPART");
    const second = resumed.instructions.parts[1];
    if (!second) throw new Error("a second part expected");
    const rest = await fetch(second.url, { method: "PUT", body: new Uint8Array(second.size).fill(2) });
    expect(rest.status).toBe(200);
    await target.complete("uploads/b3/source", issued.multipartUploadId, [
      { partNumber: 1, etag: sent.headers.get("etag") ?? "" },
      { partNumber: 2, etag: rest.headers.get("etag") ?? "" },
    ]);
    expect((await createS3ObjectStore(s3.bucket).head("uploads/b3/source"))?.size).toBe(size);
  });
});

describe("listUploadedParts", () => {
  it("reads every page of ListParts", async () => {
    const pages = [
      `<?xml version="1.0" encoding="UTF-8"?><ListPartsResult><IsTruncated>true</IsTruncated><NextPartNumberMarker>1</NextPartNumberMarker>
        <Part><PartNumber>1</PartNumber><ETag>&quot;a&quot;</ETag><Size>5</Size></Part></ListPartsResult>`,
      `<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>2</PartNumber><ETag>"b"</ETag><Size>3</Size></Part></ListPartsResult>`,
    ];
    const seen: string[] = [];
    const aws = {
      async fetch(url: string, init: { method: string }) {
        seen.push(`${init.method} ${url}`);
        return new Response(pages.shift());
      },
    };
    const bucket = { aws, bucket: "media", base: "https://s3.test/media" } as unknown as S3FetchBucket;
    expect(await listUploadedParts(bucket, "uploads/x/source", "mpu-1")).toEqual([
      { partNumber: 1, etag: '"a"', size: 5 },
      { partNumber: 2, etag: '"b"', size: 3 },
    ]);
    expect(seen).toEqual([
      "GET https://s3.test/media/uploads/x/source?uploadId=mpu-1",
      "GET https://s3.test/media/uploads/x/source?uploadId=mpu-1&part-number-marker=1",
    ]);
  });
});

describe("ingestion edge configuration", () => {
  it("needs UPLOAD_SIGNING_KEY in production, S3 settings in S3 mode, and names each", () => {
    expect(() => parseConfig(ingestionEdgeConfigSchema, { ENVIRONMENT: "production" })).toThrow(/UPLOAD_SIGNING_KEY: .*required in production/);
    try {
      parseConfig(ingestionEdgeConfigSchema, { ENVIRONMENT: "test", UPLOAD_STORAGE: "s3", STORAGE_INTERNAL_TOKEN: "short" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((issue) => issue.variable).sort()).toEqual(["S3_BUCKET", "STORAGE_INTERNAL_TOKEN"]);
    }
    expect(parseConfig(ingestionEdgeConfigSchema, { ENVIRONMENT: "development" })).toMatchObject({ UPLOAD_STORAGE: "r2", UPLOAD_URL_TTL_SECONDS: 900 });
  });
});

describe("R2 mode with R2's S3 API (issue 13: uploads straight to the bucket)", () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3();
  });
  afterAll(async () => {
    await s3.stop();
  });

  // Stands in for the MEDIA binding: only its shape matters for choosing the target.
  const media = { put: async () => null, head: async () => null, get: async () => null, delete: async () => undefined, list: async () => ({ objects: [] }) };
  const log = { warn: () => undefined };

  it("presigns uploads to the bucket's S3 API instead of the Worker when it is configured", async () => {
    const services = await buildIngestionServices(
      {
        ENVIRONMENT: "test",
        MEDIA: media,
        S3_ENDPOINT: s3.settings.endpoint,
        S3_REGION: s3.settings.region,
        S3_BUCKET: s3.settings.bucket,
        S3_ACCESS_KEY_ID: s3.settings.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.settings.secretAccessKey,
        S3_FORCE_PATH_STYLE: "true",
      },
      log,
    );
    expect(services?.target.kind).toBe("s3");
    const issued = await services?.target.issue({
      uploadId: "c3",
      userId: crypto.randomUUID(),
      sourceKey: "uploads/c3/source",
      sizeBytes: 1000,
      contentType: "audio/flac",
      expiresAt: new Date(Date.now() + 600_000),
      baseUrl: "https://tunec.test",
    });
    if (issued?.instructions.method !== "PUT") throw new Error("expected PUT");
    expect(issued.instructions.url.startsWith(s3.settings.endpoint ?? "-")).toBe(true);
  });

  it("falls back to uploads through the Worker only outside production", async () => {
    expect((await buildIngestionServices({ ENVIRONMENT: "development", MEDIA: media }, log))?.target.kind).toBe("r2");
    expect(() => parseConfig(ingestionEdgeConfigSchema, { ENVIRONMENT: "production", UPLOAD_SIGNING_KEY: "u".repeat(44) })).toThrow(/S3_BUCKET/);
  });
});
