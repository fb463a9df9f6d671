import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireRole, principalOf } from "../../platform/edge/authenticate.ts";
import { bearerSecurity, problemContent, resumedUploadSchema, uploadIdParam } from "../schemas.ts";
import { ingestionServices } from "../services.ts";
import { findUpload } from "../domain/uploads.ts";

/** R2 drops unfinished multipart uploads after 7 days; an upload may be resumed until then. */
export const maxUploadLifetimeMs = 7 * 24 * 3_600_000;

export const resumeUploadRoute = createRoute({
  method: "post",
  path: "/uploads/{id}/resume",
  tags: ["ingestion"],
  summary: "Fresh upload URLs for an unfinished upload, and the parts already stored",
  description:
    "The uploading artist only, while the upload awaits its file (up to 7 days after it was created). Answers the same instructions as " +
    "POST /tracks with a new expiry; for a multipart upload, `uploaded_parts` lists the parts the bucket already holds with their ETags, " +
    "so a client that lost its connection, its URLs or its page sends only the rest and then completes.",
  security: bearerSecurity,
  middleware: [requireRole("artist")] as const,
  request: { params: uploadIdParam },
  responses: {
    200: { description: "New URLs", content: { "application/json": { schema: resumedUploadSchema } } },
    401: { description: "Missing or invalid access token", content: problemContent },
    403: { description: "Another artist's upload, or not an artist", content: problemContent },
    404: { description: "No such upload", content: problemContent },
    409: { description: "The upload no longer takes a file, or is too old to resume", content: problemContent },
  },
});

export function registerResumeUpload(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(resumeUploadRoute, async function resumeUpload(c) {
    const { id } = c.req.valid("param");
    const { db } = c.get("services");
    const upload = await findUpload(db, id);
    if (!upload) throw new AppError("NOT_FOUND", "No upload has this id.");
    if (upload.user_id !== principalOf(c).userId) throw new AppError("FORBIDDEN", "This upload belongs to another artist.");
    if (upload.state !== "awaiting_upload") throw new AppError("CONFLICT", `The upload is ${upload.state}; it takes no more bytes.`);
    const ingestion = await ingestionServices(c);
    if (upload.storage !== ingestion.target.kind) throw new AppError("CONFLICT", "The upload was started on another storage; create a new upload.");
    const deadline = new Date(upload.created_at).getTime() + maxUploadLifetimeMs;
    const expiresAt = new Date(Math.min(Date.now() + ingestion.urlTtlSeconds * 1000, deadline));
    if (expiresAt.getTime() <= Date.now() + 30_000) throw new AppError("CONFLICT", "The upload is too old to resume; create a new upload.");
    const multipart = upload.multipart_upload_id && upload.part_size_bytes ? { uploadId: upload.multipart_upload_id, partSize: upload.part_size_bytes } : null;
    const reissued = await ingestion.target.reissue(
      {
        uploadId: upload.id,
        userId: upload.user_id,
        sourceKey: upload.source_key,
        sizeBytes: Number(upload.declared_size_bytes),
        contentType: upload.declared_content_type,
        expiresAt,
        baseUrl: new URL(c.req.url).origin,
      },
      multipart,
    );
    const uploadedParts =
      reissued.uploadedParts ??
      (
        await db.selectFrom("ingestion.upload_parts").select(["part_number", "size_bytes", "etag"]).where("upload_id", "=", id).orderBy("part_number").execute()
      ).map((part) => ({ part_number: part.part_number, size: Number(part.size_bytes), etag: part.etag }));
    // The expiry job counts from the newest URL's expiry.
    await db
      .updateTable("ingestion.uploads")
      .set({ url_expires_at: expiresAt, updated_at: new Date() })
      .where("id", "=", id)
      .where("state", "=", "awaiting_upload")
      .execute();
    c.get("log").info("upload resumed", { upload_id: id, uploaded_parts: uploadedParts.length });
    return c.json({ upload_id: id, expires_at: expiresAt.toISOString(), upload: reissued.instructions, uploaded_parts: multipart ? uploadedParts : [] }, 200);
  });
}
