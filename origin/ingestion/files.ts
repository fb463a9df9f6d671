import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import type { ObjectStore } from "../../shared/storage/object-store.ts";

/**
 * Copies an object to a local file (ffmpeg and the parser want a seekable
 * file), hashing it on the way; null when it is missing. The digest pins the
 * bytes: validation records it, the transcoder compares (issue 17, item 5).
 */
export async function downloadObject(store: ObjectStore, key: string, path: string): Promise<{ size: number; sha256: string } | null> {
  const object = await store.get(key);
  if (!object) return null;
  let size = 0;
  const hash = createHash("sha256");
  const counted = Readable.fromWeb(object.body as NodeWebReadableStream<Uint8Array>).on("data", (chunk: Uint8Array) => {
    size += chunk.byteLength;
    hash.update(chunk);
  });
  await pipeline(counted, createWriteStream(path));
  return { size, sha256: hash.digest("hex") };
}

/** A local file as a body for ObjectStore.put. */
export function fileBody(path: string): ReadableStream<Uint8Array> {
  return Readable.toWeb(createReadStream(path)) as unknown as ReadableStream<Uint8Array>;
}

/** A scratch directory for one upload, removed by `dispose` whatever happened. */
export async function scratchDirectory(purpose: string, uploadId: string): Promise<{ dir: string; dispose(): Promise<void> }> {
  const root = join(tmpdir(), "tunec-ingestion");
  await mkdir(root, { recursive: true });
  const dir = await mkdtemp(join(root, `${purpose}-${uploadId}-`));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}
