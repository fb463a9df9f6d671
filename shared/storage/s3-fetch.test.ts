/**
 * aws4fetch signs the edge's S3 URLs; s3rver (the suites' S3) accepts them but
 * does not verify SigV4 signatures. So the signatures are checked here against
 * the AWS SDK's own presigner (what the edge used before) for the same request
 * and instant: equal signatures are what real S3 and R2 accept.
 */
import { createHash, createHmac } from "node:crypto";
import { S3RequestPresigner } from "@aws-sdk/s3-request-presigner";
import { describe, expect, it } from "vitest";
import { createS3FetchBucket, presignS3Url, xmlElements, xmlText } from "./s3-fetch.ts";

const settings = {
  endpoint: "https://account.r2.cloudflarestorage.com",
  region: "auto",
  bucket: "tunec-media",
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  forcePathStyle: true,
};

const bytes = (data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof data === "string" ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

/** The SDK's Checksum interface over node:crypto (HMAC when given a secret). */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.hash.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

async function sdkPresign(method: string, path: string, query: Record<string, string>, headers: Record<string, string>, signingDate: Date, expiresIn: number) {
  const presigner = new S3RequestPresigner({ credentials: settings, region: settings.region, sha256: NodeSha256 });
  const signed = await presigner.presign(
    {
      method,
      protocol: "https:",
      hostname: "account.r2.cloudflarestorage.com",
      path,
      query,
      headers: { host: "account.r2.cloudflarestorage.com", ...headers },
    },
    { signingDate, expiresIn, signableHeaders: new Set(Object.keys(headers)) },
  );
  return signed.query as Record<string, string>;
}

describe("aws4fetch presigned URLs match the AWS SDK's", () => {
  const when = new Date("2026-03-01T12:34:56Z");
  const datetime = "20260301T123456Z";
  const bucket = createS3FetchBucket(settings);

  const cases: Array<{ name: string; method: "GET" | "PUT"; key: string; query: Record<string, string>; headers: Record<string, string> }> = [
    { name: "GET of a rendition", method: "GET" as const, key: "tracks/5b0c1d2e/standard.m4a", query: {}, headers: {} },
    {
      name: "PUT bound to type and length",
      method: "PUT" as const,
      key: "uploads/a1/source",
      query: {},
      headers: { "content-type": "audio/flac", "content-length": "1000" },
    },
    {
      name: "PUT of a multipart part",
      method: "PUT" as const,
      key: "uploads/b2/source",
      query: { partNumber: "2", uploadId: "2~abc/def+ghi=" },
      headers: { "content-length": "5242880" },
    },
    { name: "GET of a key needing escapes", method: "GET" as const, key: "covers/a b/c(1)!.jpg", query: {}, headers: {} },
  ];
  it.each(cases)("$name", async ({ method, key, query, headers }) => {
    const url = new URL(await presignS3Url(bucket, method, key, { expiresInSeconds: 600, query, headers, datetime }));
    const path = `/${settings.bucket}/${key}`;
    // As the S3 client serialises a key (RFC 3986 per segment); its signer does not escape the path again.
    const escaped = path
      .split("/")
      .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
      .join("/");
    const sdk = await sdkPresign(method, escaped, query, headers, when, 600);
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe(sdk["X-Amz-SignedHeaders"]);
    expect(url.searchParams.get("X-Amz-Credential")).toBe(sdk["X-Amz-Credential"]);
    expect(url.searchParams.get("X-Amz-Expires")).toBe("600");
    expect(url.searchParams.get("X-Amz-Signature")).toBe(sdk["X-Amz-Signature"]);
    expect(decodeURIComponent(url.pathname)).toBe(path);
  });

  it("builds virtual-hosted URLs on AWS without an endpoint", async () => {
    const aws = createS3FetchBucket({ ...settings, endpoint: undefined, forcePathStyle: undefined, region: "eu-west-1" });
    const url = new URL(await presignS3Url(aws, "GET", "a/b", { expiresInSeconds: 60 }));
    expect(url.host).toBe("tunec-media.s3.eu-west-1.amazonaws.com");
    expect(url.pathname).toBe("/a/b");
  });
});

describe("S3 XML answers", () => {
  it("reads elements and unescapes entities", () => {
    const xml = "<R><Code>NoSuchUpload</Code><Part><ETag>&quot;x&amp;y&quot;</ETag></Part><Part><ETag>z</ETag></Part></R>";
    expect(xmlText(xml, "Code")).toBe("NoSuchUpload");
    expect(xmlElements(xml, "Part").map((part) => xmlText(part, "ETag"))).toEqual(['"x&y"', "z"]);
    expect(xmlText(xml, "Missing")).toBeUndefined();
  });
});
