import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalS3, type LocalS3 } from "../../test/s3-server.ts";
import { playbackConfigSchema } from "./config.ts";
import { s3MediaUrls } from "./s3-media.ts";

describe("media URLs in S3 mode: presigned GETs", () => {
  let s3: LocalS3;
  const bytes = Uint8Array.from({ length: 50_000 }, (_, i) => (i * 31) % 251);
  const key = "tracks/5b0c1d2e-0000-4000-8000-000000000001/standard.m4a";

  beforeAll(async () => {
    s3 = await startLocalS3();
    await s3.bucket.client.send(new PutObjectCommand({ Bucket: s3.settings.bucket, Key: key, Body: bytes, ContentType: "audio/mp4" }));
  });
  afterAll(async () => {
    await s3?.stop();
  });

  const env = () => ({
    S3_ENDPOINT: s3.settings.endpoint,
    S3_REGION: s3.settings.region,
    S3_BUCKET: s3.settings.bucket,
    S3_ACCESS_KEY_ID: s3.settings.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.settings.secretAccessKey,
    S3_FORCE_PATH_STYLE: "true",
  });

  it("presigns a GET of the rendition that serves Range requests straight from the bucket", async () => {
    const urls = s3MediaUrls(env(), 900);
    const { url, expiresAt } = await urls.issue({ origin: "https://unused.test", userId: crypto.randomUUID(), objectKey: key, expiresInSeconds: 120 });
    expect(new URL(url).searchParams.get("X-Amz-Expires")).toBe("120");
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 100_000);
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(bytes);
    const ranged = await fetch(url, { headers: { range: "bytes=1000-1999" } });
    expect(ranged.status).toBe(206);
    expect(new Uint8Array(await ranged.arrayBuffer())).toEqual(bytes.slice(1000, 2000));
  });

  it("defaults MEDIA_STORAGE to UPLOAD_STORAGE and needs a signing key in production only for R2", () => {
    expect(playbackConfigSchema.parse({ UPLOAD_STORAGE: "s3", ENVIRONMENT: "production" }).MEDIA_STORAGE).toBe("s3");
    expect(playbackConfigSchema.parse({ ENVIRONMENT: "development" }).MEDIA_STORAGE).toBe("r2");
    expect(playbackConfigSchema.safeParse({ ENVIRONMENT: "production" }).success).toBe(false);
    expect(playbackConfigSchema.safeParse({ ENVIRONMENT: "production", UPLOAD_SIGNING_KEY: "a".repeat(44) }).success).toBe(true);
    expect(playbackConfigSchema.safeParse({ MEDIA_URL_TTL_SECONDS: "5" }).success).toBe(false);
  });
});
