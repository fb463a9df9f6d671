/**
 * The ingestion context at the edge: artists create uploads and get signed
 * URLs (POST /tracks), send the file straight to the bucket (R2 through
 * PUT /uploads/{id}/content, or S3 presigned), complete it, and follow it to
 * published or rejected (GET /uploads/{id}). Validation and transcoding run
 * at the origin (origin/ingestion, origin/transcoder).
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../platform/edge/context.ts";
import { registerCompleteUpload } from "./routes/complete-upload.ts";
import { registerCreateUpload } from "./routes/create-upload.ts";
import { registerGetUpload } from "./routes/get-upload.ts";
import { registerInternalObjects } from "./routes/internal-objects.ts";
import { registerUploadContent } from "./routes/upload-content.ts";
import { registerUploadPart } from "./routes/upload-part.ts";
import { registerResumeUpload } from "./routes/resume-upload.ts";

export function registerIngestion(app: OpenAPIHono<GatewayEnv>): void {
  registerCreateUpload(app);
  registerUploadContent(app);
  registerUploadPart(app);
  registerCompleteUpload(app);
  registerResumeUpload(app);
  registerGetUpload(app);
  registerInternalObjects(app);
}
