import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import { AppError } from "../../../shared/errors.ts";
import { uploadLimits } from "../../../shared/storage/audio-formats.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireRole, principalOf } from "../../platform/edge/authenticate.ts";
import { bearerSecurity, completeBody, problemContent, uploadIdParam, uploadStatusSchema } from "../schemas.ts";
import { ingestionServices } from "../services.ts";
import { findUpload, isTrackStored, rejectUpload, uploadView, type Rejection, type UploadRow } from "../domain/uploads.ts";

export const completeUploadRoute = createRoute({
  method: "post",
  path: "/uploads/{id}/complete",
  tags: ["ingestion"],
  summary: "Finish an upload and start validation",
  description:
    "The uploading artist only. Checks the file is in the bucket (assembling multipart parts on S3), then queues it for validation on its real bytes and transcoding. Repeating the call is harmless. An empty or oversized file is refused at once, with the reason in `rejection`.",
  security: bearerSecurity,
  middleware: [requireRole("artist")] as const,
  request: { params: uploadIdParam, body: { required: false, content: { "application/json": { schema: completeBody } } } },
  responses: {
    202: { description: "Accepted: validation runs next (or the outcome, if already known)", content: { "application/json": { schema: uploadStatusSchema } } },
    400: { description: "Malformed request or multipart parts", content: problemContent },
    401: { description: "Missing or invalid access token", content: problemContent },
    403: { description: "Another artist's upload, or not an artist", content: problemContent },
    404: { description: "No such upload", content: problemContent },
    409: { description: "No file was uploaded yet", content: problemContent },
  },
});

async function refuse(db: Kysely<Database>, upload: UploadRow, rejection: Rejection, traceparent: string): Promise<void> {
  await db.transaction().execute((trx) => rejectUpload(trx, upload, { from: "awaiting_upload" }, rejection, traceparent));
}

export function registerCompleteUpload(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(completeUploadRoute, async function completeUpload(c) {
    const { id } = c.req.valid("param");
    const { db } = c.get("services");
    const upload = await findUpload(db, id);
    if (!upload) throw new AppError("NOT_FOUND", "No upload has this id.");
    if (upload.user_id !== principalOf(c).userId) throw new AppError("FORBIDDEN", "This upload belongs to another artist.");
    if (upload.state !== "awaiting_upload") return c.json(uploadView(upload, await isTrackStored(db, upload)), 202);

    const ingestion = await ingestionServices(c);
    let parts = (c.req.header("content-type")?.includes("json") ? c.req.valid("json").parts : undefined) ?? [];
    if (upload.multipart_upload_id && parts.length === 0 && upload.storage === "r2") {
      // Parts that came through the edge are on record: the client need not keep their ETags.
      parts = await db.selectFrom("ingestion.upload_parts").select(["part_number", "etag"]).where("upload_id", "=", id).orderBy("part_number").execute();
    }
    if (upload.multipart_upload_id) {
      if (parts.length === 0) throw new AppError("BAD_REQUEST", "A multipart upload needs `parts`: each part's number and ETag.");
      try {
        await ingestion.target.complete(
          upload.source_key,
          upload.multipart_upload_id,
          parts.map((p) => ({ partNumber: p.part_number, etag: p.etag })),
        );
      } catch (error) {
        c.get("log").info("multipart completion refused", { upload_id: id, error });
        throw new AppError("BAD_REQUEST", "The bucket refused the parts: check that every part was uploaded and its ETag is right.");
      }
    }
    const object = await ingestion.store.head(upload.source_key);
    if (!object) throw new AppError("CONFLICT", "No file has been uploaded yet: send it to the upload URL first.");
    const declared = Number(upload.declared_size_bytes);
    const traceparent = c.get("traceparent");
    if (object.size === 0) {
      await refuse(db, upload, { code: "empty_file", message: "The file is empty (0 bytes).", sizeBytes: 0 }, traceparent);
    } else if (object.size > uploadLimits.maxBytes || object.size > declared) {
      await refuse(
        db,
        upload,
        {
          code: "too_large",
          message: `The file is ${object.size} bytes; it was declared as ${declared} bytes (limit ${uploadLimits.maxBytes}).`,
          sizeBytes: object.size,
        },
        traceparent,
      );
    } else if (object.size < declared) {
      await refuse(
        db,
        upload,
        { code: "truncated", message: `Only ${object.size} of the declared ${declared} bytes arrived.`, sizeBytes: object.size },
        traceparent,
      );
    } else {
      await db
        .updateTable("ingestion.uploads")
        .set({ state: "uploaded", size_bytes: object.size, uploaded_at: new Date(), updated_at: new Date() })
        .where("id", "=", id)
        .where("state", "=", "awaiting_upload")
        .execute();
    }
    const now = await findUpload(db, id);
    if (!now) throw new Error(`upload ${id} vanished`);
    if (now.state === "rejected") await ingestion.store.delete(upload.source_key);
    c.get("log").info("upload completed", { upload_id: id, state: now.state, size_bytes: object.size });
    return c.json(uploadView(now, false), 202);
  });
}
