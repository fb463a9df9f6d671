import { assertObjectKey, knownLength, type ObjectBody, type ObjectInfo, type ObjectStore, type PutOptions } from "./object-store.ts";

/** The slice of Cloudflare's `R2Bucket` this adapter uses (miniflare's local one included). */
export interface R2BucketLike {
  put(
    key: string,
    value: ReadableStream | ArrayBuffer | ArrayBufferView | string,
    options?: { httpMetadata?: { contentType?: string } },
  ): Promise<R2ObjectLike | null>;
  get(key: string): Promise<(R2ObjectLike & { body: ReadableStream<Uint8Array> }) | null>;
  head(key: string): Promise<R2ObjectLike | null>;
  delete(key: string): Promise<void>;
}

/** The binding's multipart API (workerd and Miniflare have it; an R2 bucket through Deno or Node does not). */
export interface R2MultipartBucketLike extends R2BucketLike {
  createMultipartUpload(key: string, options?: { httpMetadata?: { contentType?: string } }): Promise<{ uploadId: string }>;
  resumeMultipartUpload(key: string, uploadId: string): R2MultipartUploadLike;
}

export interface R2MultipartUploadLike {
  uploadPart(partNumber: number, value: ReadableStream | ArrayBuffer | ArrayBufferView | string): Promise<{ partNumber: number; etag: string }>;
  complete(parts: Array<{ partNumber: number; etag: string }>): Promise<R2ObjectLike>;
  abort(): Promise<void>;
}

export function hasMultipart(bucket: R2BucketLike): bucket is R2MultipartBucketLike {
  const candidate = bucket as Partial<R2MultipartBucketLike>;
  return typeof candidate.createMultipartUpload === "function" && typeof candidate.resumeMultipartUpload === "function";
}

interface R2ObjectLike {
  key: string;
  size: number;
  httpEtag: string;
  httpMetadata?: { contentType?: string };
}

/** Streams of known length: R2 refuses a stream whose length it cannot tell up front. */
type FixedLengthStreamConstructor = new (length: number) => TransformStream<Uint8Array, Uint8Array>;

/** A stream R2 accepts: workerd's FixedLengthStream of exactly `length` bytes fed from `body`. */
export function fixedLengthStream(body: ReadableStream<Uint8Array>, length: number): ReadableStream<Uint8Array> {
  const Fixed = (globalThis as { FixedLengthStream?: FixedLengthStreamConstructor }).FixedLengthStream;
  if (!Fixed) throw new TypeError("FixedLengthStream is only available in workerd");
  const fixed = new Fixed(length);
  // Copied by hand rather than pipeTo: every promise is handled here (workerd reports
  // pipeTo's internal ones as unhandled), and a failure surfaces through the consumer.
  const writer = fixed.writable.getWriter();
  writer.closed.catch(() => undefined);
  void (async () => {
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value: chunk } = await reader.read();
        if (done) break;
        await writer.write(chunk);
      }
      await writer.close();
    } catch (error) {
      await writer.abort(error).catch(() => undefined);
      await reader.cancel(error).catch(() => undefined);
    }
  })();
  return fixed.readable;
}

function info(object: R2ObjectLike): ObjectInfo {
  return { key: object.key, size: object.size, contentType: object.httpMetadata?.contentType, etag: object.httpEtag };
}

/**
 * ObjectStore over a Worker's R2 binding.
 * @example createR2ObjectStore(env.MEDIA)
 */
export function createR2ObjectStore(bucket: R2BucketLike): ObjectStore {
  return {
    async put(key: string, body: ObjectBody, options: PutOptions = {}) {
      assertObjectKey(key);
      let value: ReadableStream | Uint8Array | string = body;
      if (body instanceof ReadableStream) {
        const length = knownLength(body, options);
        if (length === undefined) throw new TypeError("R2 put of a stream needs contentLength");
        value = fixedLengthStream(body, length);
      }
      const stored = await bucket.put(key, value, options.contentType ? { httpMetadata: { contentType: options.contentType } } : {});
      if (!stored) throw new Error(`R2 put of ${key} returned nothing`);
      return info(stored);
    },
    async get(key) {
      assertObjectKey(key);
      const object = await bucket.get(key);
      return object ? { ...info(object), body: object.body } : null;
    },
    async head(key) {
      assertObjectKey(key);
      const object = await bucket.head(key);
      return object ? info(object) : null;
    },
    async delete(key) {
      assertObjectKey(key);
      await bucket.delete(key);
    },
  };
}
