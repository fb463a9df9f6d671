/**
 * The media endpoint's view of the bucket: metadata, and bytes of a range.
 * The shared ObjectStore port reads whole objects; seeking needs ranged reads,
 * which R2 does natively.
 */

export interface MediaObjectInfo {
  size: number;
  /** Quoted strong ETag, e.g. `"3f2a…"`. */
  etag: string;
  contentType: string;
}

export interface MediaBucket {
  head(key: string): Promise<MediaObjectInfo | null>;
  /** Bytes [offset, offset + length); null when the object is gone. */
  read(key: string, range: { offset: number; length: number }): Promise<ReadableStream<Uint8Array> | null>;
  /** The whole object (to fill the edge cache). */
  readAll(key: string): Promise<ReadableStream<Uint8Array> | null>;
}

/** The slice of Cloudflare's `R2Bucket` used here (miniflare's local one included). */
export interface R2RangeBucketLike {
  head(key: string): Promise<{ size: number; httpEtag: string; httpMetadata?: { contentType?: string } } | null>;
  get(key: string, options?: { range?: { offset: number; length: number } }): Promise<{ body: ReadableStream<Uint8Array> } | null>;
}

export function isMediaBucketBinding(value: unknown): value is R2RangeBucketLike {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { get?: unknown }).get === "function" &&
    typeof (value as { head?: unknown }).head === "function"
  );
}

const fallbackType = "application/octet-stream";

export function createR2MediaBucket(bucket: R2RangeBucketLike): MediaBucket {
  return {
    async head(key) {
      const object = await bucket.head(key);
      return object ? { size: object.size, etag: object.httpEtag, contentType: object.httpMetadata?.contentType ?? fallbackType } : null;
    },
    async read(key, range) {
      return (await bucket.get(key, { range }))?.body ?? null;
    },
    async readAll(key) {
      return (await bucket.get(key))?.body ?? null;
    },
  };
}
