/**
 * ObjectStore over any S3 API through `fetch` + aws4fetch: the edge's S3 adapter
 * (the origin keeps the AWS SDK one, s3-object-store.ts). Same contract suite.
 */
import { assertObjectKey, knownLength, type ObjectBody, type ObjectInfo, type PutOptions, type ObjectStore } from "./object-store.ts";
import { S3ResponseError, type S3FetchBucket, s3Fetch } from "./s3-fetch.ts";

const notFound = (error: unknown) => error instanceof S3ResponseError && error.status === 404;

function info(key: string, response: Response): ObjectInfo {
  return {
    key,
    size: Number(response.headers.get("content-length") ?? 0),
    contentType: response.headers.get("content-type") ?? undefined,
    etag: response.headers.get("etag") ?? undefined,
  };
}

interface FixedLengthStreamConstructor {
  new (length: number): TransformStream<Uint8Array, Uint8Array>;
}

/**
 * S3 refuses chunked uploads, so a stream must go with its length: workerd's
 * FixedLengthStream sends it without buffering; elsewhere (Node tests) the
 * stream is read into memory first.
 */
async function sizedBody(body: ReadableStream<Uint8Array>, length: number): Promise<BodyInit> {
  const Fixed = (globalThis as { FixedLengthStream?: FixedLengthStreamConstructor }).FixedLengthStream;
  if (Fixed) return body.pipeThrough(new Fixed(length));
  return new Uint8Array(await new Response(body).arrayBuffer());
}

export function createS3FetchObjectStore(bucket: S3FetchBucket): ObjectStore {
  return {
    async put(key: string, body: ObjectBody, options: PutOptions = {}) {
      assertObjectKey(key);
      const length = knownLength(body, options);
      if (body instanceof ReadableStream && length === undefined) throw new TypeError("S3 put of a stream needs contentLength");
      const response = await s3Fetch(bucket, "PutObject", key, {
        method: "PUT",
        headers: options.contentType ? { "content-type": options.contentType } : {},
        // A Uint8Array over a SharedArrayBuffer is not a BodyInit; object bodies never are.
        body: body instanceof ReadableStream ? await sizedBody(body, length ?? 0) : typeof body === "string" ? body : (body as Uint8Array<ArrayBuffer>),
      });
      return { key, size: length ?? 0, contentType: options.contentType, etag: response.headers.get("etag") ?? undefined };
    },
    async get(key) {
      assertObjectKey(key);
      try {
        const response = await s3Fetch(bucket, "GetObject", key, { method: "GET" });
        if (!response.body) return null;
        return { ...info(key, response), body: response.body };
      } catch (error) {
        if (notFound(error)) return null;
        throw error;
      }
    },
    async head(key) {
      assertObjectKey(key);
      try {
        return info(key, await s3Fetch(bucket, "HeadObject", key, { method: "HEAD" }));
      } catch (error) {
        if (notFound(error)) return null;
        throw error;
      }
    },
    async delete(key) {
      assertObjectKey(key);
      (await s3Fetch(bucket, "DeleteObject", key, { method: "DELETE" })).body?.cancel();
    },
  };
}
