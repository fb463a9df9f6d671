import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { AppError } from "../../../../shared/errors.ts";
import { bearerSecurity } from "../../../auth/schemas.ts";
import type { GatewayEnv } from "../../../gateway/context.ts";
import { requireRole } from "../../../gateway/middleware/authenticate.ts";
import { ingestionServices } from "../../../ingestion/services.ts";
import { callerId } from "../../../users/principal.ts";
import { idParam, problemContent } from "../../schemas.ts";
import { assertManagedRelease, findManagedRelease, reorderTracks, replaceCover, updateRelease } from "../releases.ts";
import { releaseEditSchema, releaseSchema, releaseView, trackOrderSchema } from "../schemas.ts";

const responses = {
  200: { description: "The release now", content: { "application/json": { schema: releaseSchema } } },
  400: { description: "Invalid id or body", content: problemContent },
  401: { description: "Missing or invalid access token", content: problemContent },
  403: { description: "The caller is not an artist", content: problemContent },
  404: { description: "No release of a profile the caller manages has this id", content: problemContent },
} as const;

export const editReleaseRoute = createRoute({
  method: "patch",
  path: "/me/releases/{id}",
  tags: ["artists"],
  summary: "Change a release's title, type, date, genres or remove its cover",
  description:
    "The release's tracks carry the change to search (each becomes a TrackUpdated through CDC); an edit that changes nothing writes nothing.",
  security: bearerSecurity,
  middleware: [requireRole("artist")] as const,
  request: { params: idParam("release"), body: { required: true, content: { "application/json": { schema: releaseEditSchema } } } },
  responses,
});

export const orderTracksRoute = createRoute({
  method: "put",
  path: "/me/releases/{id}/tracks",
  tags: ["artists"],
  summary: "Set a release's track order",
  description: "`track_ids` names every track of the release once; they become positions 1, 2, … An upload still on its way keeps its position only if it stays free, otherwise it lands after the last track.",
  security: bearerSecurity,
  middleware: [requireRole("artist")] as const,
  request: { params: idParam("release"), body: { required: true, content: { "application/json": { schema: trackOrderSchema } } } },
  responses,
});

/** What a cover may be: the type it declares and the bytes it starts with. */
const coverTypes = [
  { contentType: "image/jpeg", extension: "jpg", matches: (b: Uint8Array) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { contentType: "image/png", extension: "png", matches: (b: Uint8Array) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((byte, i) => b[i] === byte) },
  {
    contentType: "image/webp",
    extension: "webp",
    matches: (b: Uint8Array) => new TextDecoder().decode(b.subarray(0, 4)) === "RIFF" && new TextDecoder().decode(b.subarray(8, 12)) === "WEBP",
  },
] as const;
const image = z.string().openapi({ format: "binary" });
export const maxCoverBytes = 10 * 1024 * 1024;

export const releaseCoverRoute = createRoute({
  method: "put",
  path: "/me/releases/{id}/cover",
  tags: ["artists"],
  summary: "Upload a release's cover image",
  description: "The body is the image itself: JPEG, PNG or WebP, at most 10 MiB. It replaces any cover the release had (also one taken from an upload's embedded art).",
  security: bearerSecurity,
  middleware: [requireRole("artist")] as const,
  request: {
    params: idParam("release"),
    body: { required: true, content: { "image/jpeg": { schema: image }, "image/png": { schema: image }, "image/webp": { schema: image } } },
  },
  responses: {
    200: responses[200],
    400: responses[400],
    401: responses[401],
    403: responses[403],
    404: responses[404],
    413: { description: "The image is over 10 MiB", content: problemContent },
    415: { description: "Not a JPEG, PNG or WebP image, or the bytes are not the declared type", content: problemContent },
    503: { description: "No media bucket on this server", content: problemContent },
  },
});

/** Objects the release owns (its uploaded covers); an upload's embedded art under tracks/ stays with its track. */
const ownsCover = (id: string, key: string | null): key is string => key !== null && key.startsWith(`releases/${id}/`);

async function deleteOldCover(c: Context<GatewayEnv>, id: string, key: string | null): Promise<void> {
  if (!ownsCover(id, key)) return;
  try {
    await (await ingestionServices(c)).store.delete(key);
  } catch (error) {
    // An orphaned image costs a little storage; failing the edit for it would not be worth it.
    c.get("log").warn("old release cover not deleted", { release_id: id, key, error });
  }
}

async function readCover(c: Context<GatewayEnv>): Promise<Uint8Array> {
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

export function registerEditRelease(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(editReleaseRoute, async function editMyRelease(c) {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const { db, mediaBaseUrl } = c.get("services");
    const userId = callerId(c);
    const removed = await updateRelease(db, {
      userId,
      id,
      edit: { title: body.title, type: body.type, releaseDate: body.release_date, genres: body.genres, coverKey: body.cover },
    });
    await deleteOldCover(c, id, removed);
    c.get("log").info("release edited", { release_id: id });
    return c.json(releaseView(await findManagedRelease(db, userId, id), mediaBaseUrl), 200);
  });

  app.openapi(orderTracksRoute, async function orderMyReleaseTracks(c) {
    const { id } = c.req.valid("param");
    const { db, mediaBaseUrl } = c.get("services");
    const userId = callerId(c);
    await reorderTracks(db, { userId, id, trackIds: c.req.valid("json").track_ids });
    c.get("log").info("release tracks ordered", { release_id: id });
    return c.json(releaseView(await findManagedRelease(db, userId, id), mediaBaseUrl), 200);
  });

  app.openapi(releaseCoverRoute, async function putMyReleaseCover(c) {
    const { id } = c.req.valid("param");
    const { db, mediaBaseUrl } = c.get("services");
    const userId = callerId(c);
    // Strangers are refused before a byte is read or stored.
    await assertManagedRelease(db, userId, id);
    const declared = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
    const type = coverTypes.find((candidate) => candidate.contentType === declared);
    if (!type) throw new AppError("UNSUPPORTED_MEDIA_TYPE", `A cover is a JPEG, PNG or WebP image; got ${declared || "no Content-Type"}.`);
    const bytes = await readCover(c);
    if (!type.matches(bytes)) throw new AppError("UNSUPPORTED_MEDIA_TYPE", `The bytes are not a ${type.contentType} image.`);
    const { store } = await ingestionServices(c);
    // A new key per cover: CDN copies of the old image never stand in for the new one.
    const key = `releases/${id}/cover-${crypto.randomUUID()}.${type.extension}`;
    await store.put(key, bytes, { contentType: type.contentType });
    let replaced: string | null;
    try {
      replaced = await replaceCover(db, { userId, id, coverKey: key });
    } catch (error) {
      await store.delete(key).catch(() => undefined);
      throw error;
    }
    await deleteOldCover(c, id, replaced);
    c.get("log").info("release cover stored", { release_id: id, size_bytes: bytes.byteLength });
    return c.json(releaseView(await findManagedRelease(db, userId, id), mediaBaseUrl), 200);
  });
}
