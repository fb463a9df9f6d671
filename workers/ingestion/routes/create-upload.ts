import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import { isAcceptedContentType, normaliseContentType, uploadLimits } from "../../../shared/storage/audio-formats.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireRole, principalOf } from "../../platform/edge/authenticate.ts";
import { artistProfileOf, checkCredits } from "../domain/artist-profile.ts";
import { sourceKey } from "../domain/keys.ts";
import { bearerSecurity, createdUploadSchema, createUploadBody, problemContent } from "../schemas.ts";
import { ingestionServices } from "../services.ts";

export const createUploadRoute = createRoute({
  method: "post",
  path: "/tracks",
  tags: ["ingestion"],
  summary: "Start uploading a track",
  description:
    "Artists only. Declares the file (content type, exact size), the artist profile and release it is for, and the track's metadata, and returns a short-lived signed URL: the file goes straight to the bucket (PUT, or presigned parts for large files on S3). Then POST the complete_url; validation and transcoding follow, and GET /uploads/{id} shows the outcome.",
  security: bearerSecurity,
  middleware: [requireRole("artist")] as const,
  request: { body: { required: true, content: { "application/json": { schema: createUploadBody } } } },
  responses: {
    201: { description: "Upload created; send the file to `upload`", content: { "application/json": { schema: createdUploadSchema } } },
    400: {
      description: "Malformed request (an empty file, another profile's release, no artist_id while managing several profiles, …)",
      content: problemContent,
    },
    401: { description: "Missing or invalid access token", content: problemContent },
    403: { description: "The caller is not an artist, or does not manage the named artist profile", content: problemContent },
    409: { description: "No artist profile for this account, or the release position is taken", content: problemContent },
    413: { description: "The declared size is over 500 MiB", content: problemContent },
    415: { description: "The declared content type is not a supported audio format", content: problemContent },
  },
});

export function registerCreateUpload(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(createUploadRoute, async function createUpload(c) {
    const body = c.req.valid("json");
    if (body.size_bytes > uploadLimits.maxBytes) {
      throw new AppError(
        "PAYLOAD_TOO_LARGE",
        `The file is ${(body.size_bytes / 1024 / 1024).toFixed(0)} MiB; the limit is ${uploadLimits.maxBytes / 1024 / 1024} MiB.`,
      );
    }
    if (!isAcceptedContentType(body.content_type)) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", `${body.content_type} is not accepted; upload MP3, FLAC, WAV, AAC/M4A or Ogg Vorbis/Opus.`);
    }
    const principal = principalOf(c);
    const { db } = c.get("services");
    const ingestion = await ingestionServices(c);
    const releaseId = body.release_id ?? body.album_id;
    const artistId = await artistProfileOf(db, principal.userId, { artistId: body.artist_id, releaseId });
    await checkCredits(db, artistId, { releaseId, position: body.position, featuredArtistIds: body.featured_artist_ids });

    const id = crypto.randomUUID();
    const contentType = normaliseContentType(body.content_type);
    const expiresAt = new Date(Date.now() + ingestion.urlTtlSeconds * 1000);
    const issued = await ingestion.target.issue({
      uploadId: id,
      userId: principal.userId,
      sourceKey: sourceKey(id),
      sizeBytes: body.size_bytes,
      contentType,
      expiresAt,
      baseUrl: new URL(c.req.url).origin,
    });
    const upload = await db
      .insertInto("ingestion.uploads")
      .values({
        id,
        track_id: crypto.randomUUID(),
        user_id: principal.userId,
        artist_id: artistId,
        title: body.title,
        album_id: releaseId ?? null,
        position: body.position ?? null,
        explicit: body.explicit,
        genres: body.genres,
        language: body.language ?? null,
        isrc: body.isrc ?? null,
        featured_artist_ids: body.featured_artist_ids,
        declared_content_type: contentType,
        declared_size_bytes: body.size_bytes,
        filename: body.filename ?? null,
        storage: ingestion.target.kind,
        source_key: sourceKey(id),
        multipart_upload_id: issued.multipartUploadId,
        part_size_bytes: issued.partSize,
        url_expires_at: expiresAt,
      })
      .returning(["id", "track_id"])
      .executeTakeFirstOrThrow();
    c.get("log").info("upload created", { upload_id: id, artist_id: artistId, size_bytes: body.size_bytes, storage: ingestion.target.kind });
    c.header("location", `/uploads/${id}`);
    return c.json(
      {
        upload_id: upload.id,
        track_id: upload.track_id,
        status: "awaiting_upload" as const,
        expires_at: expiresAt.toISOString(),
        upload: issued.instructions,
        complete_url: `/uploads/${id}/complete`,
      },
      201,
    );
  });
}
