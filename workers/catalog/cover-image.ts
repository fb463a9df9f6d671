/**
 * Album covers sent as the request body (an artist's release, a curator's
 * fix): JPEG, PNG or WebP, at most 10 MiB, the bytes must be what the
 * Content-Type says. Each cover gets a new key under the release, so CDN
 * copies of the old image never stand in for the new one.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { AppError } from "../../shared/errors.ts";
import type { GatewayEnv } from "../platform/edge/context.ts";
import { ingestionServices } from "../ingestion/services.ts";

/** What a cover may be: the type it declares and the bytes it starts with. */
const coverTypes = [
  { contentType: "image/jpeg", extension: "jpg", matches: (b: Uint8Array) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  {
    contentType: "image/png",
    extension: "png",
    matches: (b: Uint8Array) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((byte, i) => b[i] === byte),
  },
  {
    contentType: "image/webp",
    extension: "webp",
    matches: (b: Uint8Array) => new TextDecoder().decode(b.subarray(0, 4)) === "RIFF" && new TextDecoder().decode(b.subarray(8, 12)) === "WEBP",
  },
] as const;

export const maxCoverBytes = 10 * 1024 * 1024;

const image = z.string().openapi({ format: "binary" });
/** The OpenAPI body of a cover upload. */
export const coverBody = {
  required: true,
  content: { "image/jpeg": { schema: image }, "image/png": { schema: image }, "image/webp": { schema: image } },
} as const;

async function readBody(c: Context<GatewayEnv>): Promise<Uint8Array> {
  const length = Number(c.req.header("content-length") ?? "0");
  if (length > maxCoverBytes) throw new AppError("PAYLOAD_TOO_LARGE", `The image is ${length} bytes; a cover may have at most ${maxCoverBytes}.`);
  const body = c.req.raw.body;
  if (!body) throw new AppError("BAD_REQUEST", "The body is empty; send the image's bytes.");
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > maxCoverBytes) {
      await reader.cancel().catch(() => undefined);
      throw new AppError("PAYLOAD_TOO_LARGE", `A cover may have at most ${maxCoverBytes} bytes.`);
    }
    chunks.push(read.value);
  }
  if (size === 0) throw new AppError("BAD_REQUEST", "The body is empty; send the image's bytes.");
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Checks and stores the request's image as a new cover of album `albumId`; returns its key and size. */
export async function storeCoverImage(c: Context<GatewayEnv>, albumId: string): Promise<{ key: string; sizeBytes: number }> {
  const declared = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  const type = coverTypes.find((candidate) => candidate.contentType === declared);
  if (!type) throw new AppError("UNSUPPORTED_MEDIA_TYPE", `A cover is a JPEG, PNG or WebP image; got ${declared || "no Content-Type"}.`);
  const bytes = await readBody(c);
  if (!type.matches(bytes)) throw new AppError("UNSUPPORTED_MEDIA_TYPE", `The bytes are not a ${type.contentType} image.`);
  const { store } = await ingestionServices(c);
  const key = `releases/${albumId}/cover-${crypto.randomUUID()}.${type.extension}`;
  await store.put(key, bytes, { contentType: type.contentType });
  return { key, sizeBytes: bytes.byteLength };
}

/** Objects the album owns (its uploaded covers); an upload's embedded art under tracks/ stays with its track. */
const ownsCover = (albumId: string, key: string | null): key is string => key !== null && key.startsWith(`releases/${albumId}/`);

/** Deletes a cover the album no longer uses, if it is one of its own. */
export async function deleteOldCover(c: Context<GatewayEnv>, albumId: string, key: string | null): Promise<void> {
  if (!ownsCover(albumId, key)) return;
  try {
    await (await ingestionServices(c)).store.delete(key);
  } catch (error) {
    // An orphaned image costs a little storage; failing the edit for it would not be worth it.
    c.get("log").warn("old cover not deleted", { album_id: albumId, key, error });
  }
}

/** Deletes a just-stored cover whose database write failed. */
export async function discardCover(c: Context<GatewayEnv>, key: string): Promise<void> {
  await (await ingestionServices(c)).store.delete(key).catch(() => undefined);
}
