/**
 * The `ObjectStore` port: the media bucket (artists' sources, renditions,
 * covers). Web-standard types only, so the edge and the origin share it.
 * Adapters: R2 (the Worker's binding), S3 (any S3 API: AWS, R2's S3 endpoint,
 * a local server) and the edge's internal object endpoint (how origin services
 * reach miniflare's R2 under `npm start`). One contract suite checks them all
 * (object-store.contract.ts).
 */

export interface ObjectInfo {
  key: string;
  size: number;
  contentType: string | undefined;
  etag: string | undefined;
}

export interface StoredObject extends ObjectInfo {
  body: ReadableStream<Uint8Array>;
}

export type ObjectBody = ReadableStream<Uint8Array> | Uint8Array | string;

export interface PutOptions {
  contentType?: string;
  /** Required with a stream body: R2 and S3 both need the length before the first byte. */
  contentLength?: number;
}

export interface ObjectStore {
  /** Writes (or overwrites) `key`. Overwriting is how retried producers stay idempotent. */
  put(key: string, body: ObjectBody, options?: PutOptions): Promise<ObjectInfo>;
  /** The whole object, or null when there is none. */
  get(key: string): Promise<StoredObject | null>;
  head(key: string): Promise<ObjectInfo | null>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
}

/** A key the bucket accepts on every adapter: no leading slash, no `..` segments, printable. */
export function isValidObjectKey(key: string): boolean {
  return (
    key.length > 0 &&
    key.length <= 1024 &&
    !key.startsWith("/") &&
    !key.split("/").some((segment) => segment === "" || segment === "." || segment === "..") &&
    /^[\w.\-/]+$/.test(key)
  );
}

export class InvalidObjectKeyError extends Error {
  override readonly name = "InvalidObjectKeyError";
  constructor(readonly key: string) {
    super(`invalid object key: ${JSON.stringify(key)}`);
  }
}

export function assertObjectKey(key: string): void {
  if (!isValidObjectKey(key)) throw new InvalidObjectKeyError(key);
}

/** Byte length of a body whose length is known without reading it. */
export function knownLength(body: ObjectBody, options?: PutOptions): number | undefined {
  if (typeof body === "string") return new TextEncoder().encode(body).byteLength;
  if (body instanceof Uint8Array) return body.byteLength;
  return options?.contentLength;
}
