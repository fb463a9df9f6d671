/**
 * A small OpenSearch/Elasticsearch HTTP client on plain `fetch`: it runs in
 * workerd and in Node alike (the official clients need Node's http). Every
 * call has a timeout and every answer is checked with zod before use.
 */
import { z } from "zod";

export class OpenSearchError extends Error {
  override readonly name = "OpenSearchError";
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

export interface OpenSearchClient {
  readonly url: string;
  /** A JSON request; `allow` lists statuses returned as answers instead of thrown (e.g. 404). */
  request<T>(method: string, path: string, schema: z.ZodType<T>, options?: { body?: unknown; allow?: number[] }): Promise<{ status: number; body: T }>;
  /** POST _bulk with newline-delimited actions; returns the per-item results. */
  bulk(lines: unknown[], options?: { refresh?: boolean | "wait_for" }): Promise<BulkResponse>;
}

const bulkItemResult = z.object({
  _id: z.string(),
  status: z.number().int(),
  error: z.object({ type: z.string(), reason: z.string().nullish() }).passthrough().optional(),
});
export const bulkResponseSchema = z.object({
  errors: z.boolean(),
  items: z.array(z.record(z.string(), bulkItemResult)),
});
export type BulkResponse = z.infer<typeof bulkResponseSchema>;

const errorBody = z.object({ error: z.union([z.string(), z.object({ type: z.string(), reason: z.string().nullish() }).passthrough()]) }).passthrough();

/** Basic auth (OPENSEARCH_USERNAME/OPENSEARCH_PASSWORD) or an API key (OPENSEARCH_API_KEY); see shared/config.ts openSearchAuth. */
export type OpenSearchAuth = { username: string; password: string } | { apiKey: string };

/** The Authorization header of `auth`. Basic auth is base64 of the UTF-8 bytes (btoa alone takes Latin-1 only). */
export function authorizationHeader(auth: OpenSearchAuth): string {
  if ("apiKey" in auth) return `ApiKey ${auth.apiKey}`;
  let binary = "";
  for (const byte of new TextEncoder().encode(`${auth.username}:${auth.password}`)) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

/**
 * The client. Credentials live only in the header built here: they are in no
 * URL, no error message and no field of the returned object, so nothing that
 * logs the client or its errors can leak them.
 */
export function createOpenSearchClient(options: {
  url: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  auth?: OpenSearchAuth | undefined;
}): OpenSearchClient {
  const base = options.url.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 5_000;
  const doFetch = options.fetch ?? fetch;
  const authorization: Record<string, string> = options.auth ? { authorization: authorizationHeader(options.auth) } : {};

  async function send(method: string, path: string, body: string | undefined, contentType: string): Promise<{ status: number; json: unknown }> {
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers: body === undefined ? { ...authorization } : { ...authorization, "content-type": contentType },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new OpenSearchError(`${method} ${path}: ${error instanceof Error ? error.message : String(error)}`, undefined);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === "" ? {} : JSON.parse(text);
    } catch {
      throw new OpenSearchError(`${method} ${path}: answered ${response.status} with a body that is not JSON`, response.status);
    }
    return { status: response.status, json };
  }

  function failure(method: string, path: string, status: number, json: unknown): OpenSearchError {
    const parsed = errorBody.safeParse(json);
    const reason = parsed.success
      ? typeof parsed.data.error === "string"
        ? parsed.data.error
        : `${parsed.data.error.type}: ${parsed.data.error.reason ?? ""}`
      : "unexpected answer";
    return new OpenSearchError(`${method} ${path}: ${status} ${reason}`, status);
  }

  return {
    url: base,
    async request(method, path, schema, requestOptions = {}) {
      const { status, json } = await send(
        method,
        path,
        requestOptions.body === undefined ? undefined : JSON.stringify(requestOptions.body),
        "application/json",
      );
      if ((status < 200 || status >= 300) && !requestOptions.allow?.includes(status)) throw failure(method, path, status, json);
      const parsed = schema.safeParse(json);
      if (!parsed.success) throw new OpenSearchError(`${method} ${path}: unexpected answer: ${parsed.error.message.slice(0, 300)}`, status);
      return { status, body: parsed.data };
    },
    async bulk(lines, bulkOptions = {}) {
      const path = `/_bulk${bulkOptions.refresh ? `?refresh=${bulkOptions.refresh === "wait_for" ? "wait_for" : "true"}` : ""}`;
      const body = `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`;
      const { status, json } = await send("POST", path, body, "application/x-ndjson");
      if (status < 200 || status >= 300) throw failure("POST", path, status, json);
      const parsed = bulkResponseSchema.safeParse(json);
      if (!parsed.success) throw new OpenSearchError(`POST ${path}: unexpected answer: ${parsed.error.message.slice(0, 300)}`, status);
      return parsed.data;
    },
  };
}
