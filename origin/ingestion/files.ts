import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import type { ObjectStore } from "../../shared/storage/object-store.ts";

/** Copies an object to a local file (ffmpeg and the parser want a seekable file); null when it is missing. */
export async function downloadObject(store: ObjectStore, key: string, path: string): Promise<number | null> {
  const object = await store.get(key);
  if (!object) return null;
  let size = 0;
  const counted = Readable.fromWeb(object.body as NodeWebReadableStream<Uint8Array>).on("data", (chunk: Uint8Array) => {
    size += chunk.byteLength;
  });
  await pipeline(counted, createWriteStream(path));
  return size;
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
