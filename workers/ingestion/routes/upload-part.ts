import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import { fixedLengthStream, hasMultipart } from "../../../shared/storage/r2-object-store.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { bodyProblem, boundedBody, checkDeclaredLength } from "../bounded-body.ts";
import { problemContent, uploadIdParam } from "../schemas.ts";
import { ingestionServices } from "../services.ts";
import { findUpload } from "../domain/uploads.ts";

export const uploadPartRoute = createRoute({
  method: "put",
  path: "/uploads/{id}/parts/{part}",
  tags: ["ingestion"],
  summary: "Send one part of a large file to its signed URL (R2 through the edge)",
  description:
    "The part URLs of a MULTIPART upload instruction are the credential: no bearer token. The body must be exactly the part's size; " +
    "the answer's ETag header (and `etag`) goes into POST /uploads/{id}/complete. A part may be sent again (a retry replaces it).",
  request: {
    params: uploadIdParam.extend({
      part: z.coerce
        .number()
        .int()
        .min(1)
        .max(10_000)
        .openapi({ param: { name: "part", in: "path" }, example: 1 }),
    }),
    query: z.object({
      size: z
        .string()
        .regex(/^\d{1,12}$/)
        .openapi({ description: "The part's size in bytes, signed." }),
      exp: z
        .string()
        .regex(/^\d{1,12}$/)
        .openapi({ description: "Expiry (Unix seconds), signed." }),
      sig: z.string().min(1).max(200).openapi({ description: "HMAC-SHA256 signature of the part URL." }),
    }),
    body: { required: true, content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } } },
  },
  responses: {
    200: {
      description: "Stored; keep the ETag for POST /uploads/{id}/complete",
      headers: z.object({ etag: z.string() }),
      content: {
        "application/json": { schema: z.object({ upload_id: z.uuid(), part_number: z.int(), size_bytes: z.int(), etag: z.string() }).openapi("UploadedPart") },
      },
    },
    400: { description: "The body is shorter than the part", content: problemContent },
    403: { description: "The URL is invalid, tampered with or expired", content: problemContent },
    409: { description: "The upload no longer takes bytes, or is not a multipart upload through the edge", content: problemContent },
    413: { description: "The body is larger than the part", content: problemContent },
  },
});

export function registerUploadPart(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(uploadPartRoute, async function uploadPart(c) {
    const { id, part } = c.req.valid("param");
    const { size, exp, sig } = c.req.valid("query");
    const { db } = c.get("services");
    const ingestion = await ingestionServices(c);
    const upload = await findUpload(db, id);
    const expected = Number(size);
    const valid =
      upload !== undefined &&
      (await ingestion.signer.verify(
        {
          uploadId: upload.id,
          userId: upload.user_id,
          sizeBytes: expected,
          contentType: upload.declared_content_type,
          expiresAt: Number(exp),
          partNumber: part,
        },
        sig,
      ));
    // One answer for every forged URL, as for whole files.
    if (!upload || !valid) throw new AppError("FORBIDDEN", "The upload URL is invalid.");
    if (Number(exp) * 1000 < Date.now()) throw new AppError("FORBIDDEN", "The part URL has expired; POST /uploads/{id}/resume gives fresh ones.");
    if (upload.state !== "awaiting_upload") throw new AppError("CONFLICT", `The upload is ${upload.state}; it takes no more bytes.`);
    const bucket = ingestion.bucket;
    if (upload.storage !== "r2" || !upload.multipart_upload_id || !bucket || !hasMultipart(bucket)) {
      throw new AppError("CONFLICT", "This upload does not take parts through the edge.");
    }
    checkDeclaredLength(c.req.header("content-length"), expected, "this part is");
    const body = c.req.raw.body;
    if (!body) throw new AppError("BAD_REQUEST", `The body is empty; this part is ${expected} bytes.`);
    const counted = boundedBody(body, expected);
    let stored;
    try {
      stored = await bucket.resumeMultipartUpload(upload.source_key, upload.multipart_upload_id).uploadPart(part, fixedLengthStream(counted.stream, expected));
    } catch (error) {
      c.get("log").info("upload part refused", { upload_id: id, part, received: counted.received(), expected, error });
      throw bodyProblem(counted.received(), expected);
    }
    await db
      .insertInto("ingestion.upload_parts")
      .values({ upload_id: id, part_number: part, size_bytes: expected, etag: stored.etag })
      .onConflict((oc) => oc.columns(["upload_id", "part_number"]).doUpdateSet({ size_bytes: expected, etag: stored.etag, uploaded_at: new Date() }))
      .execute();
    c.get("log").info("upload part stored", { upload_id: id, part, size_bytes: expected });
    c.header("etag", `"${stored.etag}"`);
    return c.json({ upload_id: id, part_number: part, size_bytes: expected, etag: stored.etag }, 200);
  });
}
