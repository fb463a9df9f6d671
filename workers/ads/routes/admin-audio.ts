import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireRole } from "../../platform/edge/authenticate.ts";
import { ingestionServices } from "../../ingestion/services.ts";
import { sniffAudio } from "../audio.ts";
import { bearerSecurity, problemContent } from "../schemas.ts";

/** Spots are seconds long; 10 MiB is a minute and more at any sensible bitrate. */
export const maxAdAudioBytes = 10 * 1024 * 1024;

const storedAudioSchema = z
  .object({
    audio_key: z.string().openapi({ description: "Use it as a creative's audio_key.", example: "ads/audio/7f0c2b9e-4d1a-4f3b-8c6e-2a9d5b1e0f47.m4a" }),
    content_type: z.string(),
    size_bytes: z.int(),
  })
  .openapi("AdAudio");

const route = createRoute({
  method: "post",
  path: "/admin/ads/audio",
  tags: ["ads"],
  summary: "Upload a spot's audio into the media bucket",
  description: `The raw file as the body (MP3, AAC, M4A, Ogg, FLAC or WAV; at most ${maxAdAudioBytes / 1024 / 1024} MiB; a chunked body is read up to the limit). The type is read from the bytes.`,
  security: bearerSecurity,
  middleware: [requireRole("admin")] as const,
  request: { body: { required: true, content: { "audio/*": { schema: z.string().openapi({ format: "binary" }) } } } },
  responses: {
    201: { description: "Stored", content: { "application/json": { schema: storedAudioSchema } } },
    400: { description: "An empty body", content: problemContent },
    401: { description: "Missing or invalid access token", content: problemContent },
    403: { description: "The caller is not an admin", content: problemContent },
    413: { description: "Larger than the limit", content: problemContent },
    415: { description: "Not an audio file we serve", content: problemContent },
  },
});

export function registerAdminAudio(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(route, async function uploadAdAudio(c) {
    const length = Number(c.req.header("content-length") ?? 0);
    if (length > maxAdAudioBytes) throw new AppError("PAYLOAD_TOO_LARGE", `The file is ${length} bytes; the limit is ${maxAdAudioBytes}.`);
    const bytes = await readAtMost(c.req.raw.body, maxAdAudioBytes);
    if (!bytes) throw new AppError("PAYLOAD_TOO_LARGE", `The file is larger than the limit of ${maxAdAudioBytes} bytes.`);
    if (bytes.byteLength === 0) throw new AppError("BAD_REQUEST", "The body is empty; send the audio file.");
    const kind = sniffAudio(bytes);
    if (!kind) throw new AppError("UNSUPPORTED_MEDIA_TYPE", "The body is not an MP3, AAC, M4A, Ogg, FLAC or WAV file.");
    const { store } = await ingestionServices(c);
    const key = `ads/audio/${crypto.randomUUID()}.${kind.extension}`;
    const stored = await store.put(key, bytes, { contentType: kind.contentType, contentLength: bytes.byteLength });
    c.get("log").info("ad audio stored", { key, size_bytes: stored.size });
    return c.json({ audio_key: key, content_type: kind.contentType, size_bytes: stored.size }, 201);
  });
}

/**
 * The whole body when it has at most `limit` bytes (a spot fits in memory),
 * else null, having read no more than `limit` + one chunk.
 */
async function readAtMost(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array | null> {
  if (!body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
