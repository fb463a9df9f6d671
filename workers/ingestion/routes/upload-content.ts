import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import { normaliseContentType } from "../../../shared/storage/audio-formats.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { problemContent, uploadIdParam } from "../schemas.ts";
import { ingestionServices } from "../services.ts";
import { findUpload } from "../domain/uploads.ts";
import { bodyProblem, boundedBody, checkDeclaredLength } from "../bounded-body.ts";

export const uploadContentRoute = createRoute({
  method: "put",
  path: "/uploads/{id}/content",
  tags: ["ingestion"],
  summary: "Send a file to its signed upload URL (R2 mode)",
  description:
    "The URL from POST /tracks is the credential: no bearer token. The body must be exactly the declared size and content type; the edge streams it into the bucket and stops reading the moment it exceeds the declared size.",
  request: {
    params: uploadIdParam,
    query: z.object({
      exp: z
        .string()
        .regex(/^\d{1,12}$/)
        .openapi({ description: "Expiry (Unix seconds), signed." }),
      sig: z.string().min(1).max(200).openapi({ description: "HMAC-SHA256 signature of the upload URL." }),
    }),
    body: { required: true, content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } } },
  },
  responses: {
    200: {
      description: "Stored; now POST /uploads/{id}/complete",
      content: {
        "application/json": { schema: z.object({ upload_id: z.uuid(), size_bytes: z.int(), etag: z.string().nullable() }).openapi("UploadedContent") },
      },
    },
    400: { description: "The body is shorter than the declared size", content: problemContent },
    403: { description: "The URL is invalid, tampered with or expired", content: problemContent },
    409: { description: "The upload no longer takes a file", content: problemContent },
    413: { description: "The body is larger than the declared size", content: problemContent },
    415: { description: "The Content-Type is not the declared one", content: problemContent },
  },
});

export function registerUploadContent(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(uploadContentRoute, async function uploadContent(c) {
    const { id } = c.req.valid("param");
    const { exp, sig } = c.req.valid("query");
    const ingestion = await ingestionServices(c);
    const upload = await findUpload(c.get("services").db, id);
    const declared = upload ? Number(upload.declared_size_bytes) : 0;
    const valid =
      upload !== undefined &&
      (await ingestion.signer.verify(
        { uploadId: upload.id, userId: upload.user_id, sizeBytes: declared, contentType: upload.declared_content_type, expiresAt: Number(exp) },
        sig,
      ));
    // One answer for every forged URL: the wire never says which part failed.
    if (!upload || !valid) throw new AppError("FORBIDDEN", "The upload URL is invalid.");
    if (Number(exp) * 1000 < Date.now()) throw new AppError("FORBIDDEN", "The upload URL has expired; create a new upload with POST /tracks.");
    if (upload.storage !== "r2") throw new AppError("CONFLICT", "This upload goes to S3 through its presigned URL.");
    if (upload.state !== "awaiting_upload") throw new AppError("CONFLICT", `The upload is ${upload.state}; it takes no more bytes.`);
    const contentType = normaliseContentType(c.req.header("content-type") ?? "");
    if (contentType !== upload.declared_content_type) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", `Content-Type must be ${upload.declared_content_type}, as declared; got ${contentType || "none"}.`);
    }
    checkDeclaredLength(c.req.header("content-length"), declared, "this upload was declared as");
    const body = c.req.raw.body;
    if (!body) throw new AppError("BAD_REQUEST", `The body is empty; this upload was declared as ${declared} bytes.`);
    const counted = boundedBody(body, declared);
    let stored;
    try {
      stored = await ingestion.store.put(upload.source_key, counted.stream, { contentType: upload.declared_content_type, contentLength: declared });
    } catch (error) {
      c.get("log").info("upload body refused", { upload_id: id, received: counted.received(), declared, error });
      throw bodyProblem(counted.received(), declared);
    }
    c.get("log").info("upload stored", { upload_id: id, size_bytes: stored.size });
    return c.json({ upload_id: id, size_bytes: stored.size, etag: stored.etag ?? null }, 200);
  });
}
