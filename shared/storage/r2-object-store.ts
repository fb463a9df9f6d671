import { assertObjectKey, knownLength, type ObjectBody, type ObjectInfo, type ObjectStore, type PutOptions } from "./object-store.ts";

/** The slice of Cloudflare's `R2Bucket` this adapter uses (miniflare's local one included). */
export interface R2BucketLike {
  put(key: string, value: ReadableStream | ArrayBuffer | ArrayBufferView | string, options?: { httpMetadata?: { contentType?: string } }): Promise<R2ObjectLike | null>;
  get(key: string): Promise<(R2ObjectLike & { body: ReadableStream<Uint8Array> }) | null>;
  head(key: string): Promise<R2ObjectLike | null>;
  delete(key: string): Promise<void>;
}

interface R2ObjectLike {
  key: string;
  size: number;
  httpEtag: string;
  httpMetadata?: { contentType?: string };
}

/** Streams of known length: R2 refuses a stream whose length it cannot tell up front. */
type FixedLengthStreamConstructor = new (length: number) => TransformStream<Uint8Array, Uint8Array>;

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
        const Fixed = (globalThis as { FixedLengthStream?: FixedLengthStreamConstructor }).FixedLengthStream;
        if (!Fixed) throw new TypeError("FixedLengthStream is only available in workerd");
        const fixed = new Fixed(length);
        // Copied by hand rather than pipeTo: every promise is handled here (workerd reports
        // pipeTo's internal ones as unhandled), and a failure surfaces through put().
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
        value = fixed.readable;
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
