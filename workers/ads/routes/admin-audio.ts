import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../gateway/context.ts";
import { requireRole } from "../../gateway/middleware/authenticate.ts";
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
  description: `The raw file as the body (MP3, AAC, M4A, Ogg, FLAC or WAV; at most ${maxAdAudioBytes / 1024 / 1024} MiB; Content-Length required). The type is read from the bytes.`,
  security: bearerSecurity,
  middleware: [requireRole("admin")] as const,
  request: { body: { required: true, content: { "audio/*": { schema: z.string().openapi({ format: "binary" }) } } } },
  responses: {
    201: { description: "Stored", content: { "application/json": { schema: storedAudioSchema } } },
    400: { description: "No Content-Length, or an empty body", content: problemContent },
    401: { description: "Missing or invalid access token", content: problemContent },
    403: { description: "The caller is not an admin", content: problemContent },
    413: { description: "Larger than the limit", content: problemContent },
    415: { description: "Not an audio file we serve", content: problemContent },
  },
});

export function registerAdminAudio(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(route, async function uploadAdAudio(c) {
    const length = Number(c.req.header("content-length") ?? Number.NaN);
    if (!Number.isInteger(length) || length <= 0) throw new AppError("BAD_REQUEST", "Send the file with a Content-Length.");
    if (length > maxAdAudioBytes) throw new AppError("PAYLOAD_TOO_LARGE", `The file is ${length} bytes; the limit is ${maxAdAudioBytes}.`);
    // Within the limit the whole file fits in memory, and the runtime holds the body to its Content-Length.
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const kind = sniffAudio(bytes);
    if (!kind) throw new AppError("UNSUPPORTED_MEDIA_TYPE", "The body is not an MP3, AAC, M4A, Ogg, FLAC or WAV file.");
    const { store } = await ingestionServices(c);
    const key = `ads/audio/${crypto.randomUUID()}.${kind.extension}`;
    const stored = await store.put(key, bytes, { contentType: kind.contentType, contentLength: bytes.byteLength });
    c.get("log").info("ad audio stored", { key, size_bytes: stored.size });
    return c.json({ audio_key: key, content_type: kind.contentType, size_bytes: stored.size }, 201);
  });
}
