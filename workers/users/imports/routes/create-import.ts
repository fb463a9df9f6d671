import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { AppError } from "../../../../shared/errors.ts";
import type { GatewayEnv } from "../../../platform/edge/context.ts";
import { requireAuth } from "../../../platform/edge/authenticate.ts";
import { callerId } from "../../../platform/edge/authenticate.ts";
import { authProblems, problemContent } from "../../schemas.ts";
import { parseImportLink } from "../../domain/imports/links.ts";
import { textExportProblem } from "../../domain/imports/file-limits.ts";
import { createImport, fileSourceRef, type NewImport } from "../../domain/imports/repository.ts";
import { createFromFileSchema, createFromLinkSchema, importSchema, maxImportFileBytes } from "../schemas.ts";
import { importView } from "../../domain/imports/view.ts";

export const createImportRoute = createRoute({
  method: "post",
  path: "/me/imports",
  tags: ["users"],
  summary: "Import favourites from Yandex Music or VK",
  description:
    "A public playlist link (JSON) or an export file (multipart/form-data). Returns 202 with the job's Location at once; the origin reads the source, matches each entry against the catalog (normalised artist and title, Cyrillic↔Latin transliteration, fuzzy scores) and likes the matches. Re-importing the same source while its job runs returns that job; afterwards a new job adds nothing already liked.",
  security: [{ bearerAuth: [] }],
  middleware: [
    requireAuth(),
    // Before the body is parsed: a larger upload is refused without being read.
    bodyLimit({
      maxSize: maxImportFileBytes + 64 * 1024,
      onError: () => {
        throw new AppError("PAYLOAD_TOO_LARGE", `The export file may be at most ${maxImportFileBytes / 1024 / 1024} MiB.`);
      },
    }),
  ] as const,
  request: {
    body: {
      content: {
        "application/json": { schema: createFromLinkSchema },
        "multipart/form-data": { schema: createFromFileSchema },
      },
    },
  },
  responses: {
    202: { description: "Queued (or the unfinished job for the same source)", content: { "application/json": { schema: importSchema } } },
    400: { description: "Not a supported playlist link, unknown provider, or an empty or non-UTF-8 file", content: problemContent },
    413: { description: "File too large", content: problemContent },
    415: { description: "Neither JSON nor multipart/form-data", content: problemContent },
    ...authProblems,
  },
});

export function registerCreateImport(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(createImportRoute, async function createMyImport(c) {
    const userId = callerId(c);
    const type = c.req.header("content-type") ?? "";
    let input: NewImport;
    if (/^application\/json/i.test(type)) {
      const body = c.req.valid("json");
      // Each body is validated by its own media type's schema; the checks narrow the union the types see.
      const link = "link" in body ? parseImportLink(body.link) : null;
      if (!link) throw new AppError("VALIDATION_FAILED", "Not a supported playlist link.");
      input = { userId, provider: link.provider, sourceKind: "link", sourceRef: link.canonical, sourceFile: null, fileName: null };
    } else if (/^multipart\/form-data/i.test(type)) {
      const form = c.req.valid("form");
      if (!("file" in form)) throw new AppError("VALIDATION_FAILED", "A file is required.");
      const { provider, file } = form;
      const text = await readTextFile(file);
      input = { userId, provider, sourceKind: "file", sourceRef: await fileSourceRef(text), sourceFile: text, fileName: file.name.slice(0, 255) || null };
    } else {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send a link as application/json or a file as multipart/form-data.");
    }
    const { job, created } = await createImport(c.get("services").db, input);
    c.get("log").info(created ? "import queued" : "import already running for this source", {
      import_id: job.id,
      provider: job.provider,
      kind: job.source_kind,
    });
    c.header("location", `/me/imports/${job.id}`);
    c.header("cache-control", "no-store");
    return c.json(importView(job), 202);
  });
}

async function readTextFile(file: File): Promise<string> {
  const invalid = (message: string) => new AppError("VALIDATION_FAILED", message, { errors: [{ field: "form.file", message }] });
  if (file.size === 0) throw invalid("The file is empty.");
  if (file.size > maxImportFileBytes) throw new AppError("PAYLOAD_TOO_LARGE", `The export file may be at most ${maxImportFileBytes / 1024 / 1024} MiB.`);
  let decoded: string;
  try {
    // PostgreSQL text cannot hold NUL, and a binary file is not an export anyway.
    const text = new TextDecoder("utf-8", { fatal: true }).decode(await file.arrayBuffer());
    if (text.includes("\u0000")) throw new Error("binary");
    decoded = text.replace(/^\uFEFF/, "");
  } catch {
    throw invalid('The file is not UTF-8 text (expected the provider\'s JSON or "Artist - Title" lines).');
  }
  // Refused here, before it is stored, so the origin never gets a file it would spend long on.
  const problem = textExportProblem(decoded);
  if (problem) throw new AppError("PAYLOAD_TOO_LARGE", problem, { errors: [{ field: "form.file", message: problem }] });
  return decoded;
}
