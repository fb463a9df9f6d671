/**
 * S3 over `fetch` with SigV4 from aws4fetch (WebCrypto, a few KiB): what the
 * edge uses for S3 mode (presigned GET/PUT/part URLs, multipart create, list,
 * complete, abort, and the ObjectStore adapter). The AWS SDK (s3-object-store.ts)
 * costs ~330 KiB of minified Worker code and stays in the origin, where size
 * does not matter. s3-fetch.test.ts checks the signatures against the SDK's.
 */
import { AwsClient } from "aws4fetch";
import type { S3Settings } from "./s3-object-store.ts";

export interface S3FetchBucket {
  aws: AwsClient;
  bucket: string;
  /** The bucket's base URL, no trailing slash: `endpoint/bucket` (path style) or `https://bucket.host`. */
  base: string;
}

/** One per isolate: the signer caches its derived key per day. */
export function createS3FetchBucket(settings: S3Settings): S3FetchBucket {
  const endpoint = new URL(settings.endpoint ?? `https://s3.${settings.region}.amazonaws.com`);
  const pathStyle = settings.forcePathStyle ?? Boolean(settings.endpoint);
  const origin = pathStyle ? endpoint.origin : `${endpoint.protocol}//${settings.bucket}.${endpoint.host}`;
  const prefix = endpoint.pathname.replace(/\/+$/, "");
  return {
    // retries 0: callers decide; a presign makes no request at all.
    aws: new AwsClient({ accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey, service: "s3", region: settings.region, retries: 0 }),
    bucket: settings.bucket,
    base: pathStyle ? `${origin}${prefix}/${encodeURIComponent(settings.bucket)}` : `${origin}${prefix}`,
  };
}

/** The object's URL; each key segment percent-encoded as SigV4 canonicalises it. */
export function s3ObjectUrl(bucket: S3FetchBucket, key: string, query: Record<string, string> = {}): URL {
  const url = new URL(`${bucket.base}/${key.split("/").map(encodeURIComponent).join("/")}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url;
}

/**
 * A presigned URL (signature in the query). `headers` are signed too, so the
 * request must send them with exactly these values (e.g. content-type, content-length).
 */
export async function presignS3Url(
  bucket: S3FetchBucket,
  method: "GET" | "PUT",
  key: string,
  options: { expiresInSeconds: number; query?: Record<string, string>; headers?: Record<string, string>; datetime?: string },
): Promise<string> {
  const url = s3ObjectUrl(bucket, key, {
    ...options.query,
    // As the SDK's presigner puts it (aws4fetch would leave it implied): the same URL, byte for byte, as before.
    "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD",
    "X-Amz-Expires": String(options.expiresInSeconds),
  });
  const signed = await bucket.aws.sign(url.toString(), {
    method,
    headers: options.headers ?? {},
    // allHeaders: aws4fetch leaves content-type/-length unsigned by default; the SDK presigner signed them, and so do we.
    aws: { signQuery: true, allHeaders: true, ...(options.datetime ? { datetime: options.datetime } : {}) },
  });
  return signed.url;
}

export class S3ResponseError extends Error {
  override readonly name = "S3ResponseError";
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    operation: string,
  ) {
    super(`S3 ${operation} failed: ${status}${code ? ` ${code}` : ""}`);
  }
}

/** A signed request (Authorization header); a non-2xx answer throws S3ResponseError with S3's error code. */
export async function s3Fetch(
  bucket: S3FetchBucket,
  operation: string,
  key: string,
  init: { method: string; query?: Record<string, string>; headers?: Record<string, string>; body?: BodyInit },
): Promise<Response> {
  const response = await bucket.aws.fetch(s3ObjectUrl(bucket, key, init.query).toString(), {
    method: init.method,
    headers: init.headers ?? {},
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  if (!response.ok) {
    const text = init.method === "HEAD" ? "" : await response.text().catch(() => "");
    throw new S3ResponseError(response.status, xmlText(text, "Code"), operation);
  }
  return response;
}

/** The text of the first `<tag>` in S3's XML (its answers are flat enough that no parser is needed at the edge). */
export function xmlText(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return match?.[1] === undefined ? undefined : unescapeXml(match[1]);
}

/** Every `<tag>…</tag>` element's inner XML. */
export function xmlElements(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((match) => match[1] ?? "");
}

const entities: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'" };
function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (entity) => entities[entity] ?? entity);
}

/** Text content only (quotes need no escaping there, and ETags are quoted strings). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (char) => `&#${char.charCodeAt(0)};`);
}
