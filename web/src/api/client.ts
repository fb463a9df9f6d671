/**
 * The typed API client: openapi-fetch over the types generated from the
 * gateway's own OpenAPI document (npm run web:types). Every request carries
 * the in-memory access token; a 401 triggers one silent refresh (the refresh
 * token lives in an HttpOnly cookie the page cannot read) and a retry.
 */
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: { field: string; message: string }[];
}

export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? "Request failed");
  }
}

interface TokenSource {
  accessToken(): string | null;
  /** Refreshes through the cookie; resolves false when the session is gone. */
  refresh(): Promise<boolean>;
}

let tokens: TokenSource = { accessToken: () => null, refresh: async () => false };

export function useTokenSource(source: TokenSource): void {
  tokens = source;
}

const retried = new WeakSet<Request>();

/** The UI's language, sent as Accept-Language so problem details come back in it (not the browser's). */
let uiLanguage: string | null = null;

export function setRequestLanguage(language: string): void {
  uiLanguage = language;
}

const authMiddleware: Middleware = {
  onRequest({ request }) {
    const token = tokens.accessToken();
    if (token && !request.headers.has("authorization")) request.headers.set("authorization", `Bearer ${token}`);
    if (uiLanguage) request.headers.set("accept-language", uiLanguage);
    return request;
  },
  async onResponse({ request, response }) {
    if (response.status !== 401 || retried.has(request) || new URL(request.url).pathname.startsWith("/auth/")) return response;
    if (!(await tokens.refresh())) return response;
    const again = new Request(request, { headers: new Headers(request.headers) });
    again.headers.set("authorization", `Bearer ${tokens.accessToken() ?? ""}`);
    retried.add(again);
    return fetch(again);
  },
};

export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? "" });
api.use(authMiddleware);

/** The data of a response, or a ProblemError carrying the RFC 9457 problem the API answered. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || result.data === undefined) {
    const problem = (result.error ?? {}) as Problem;
    throw new ProblemError({ status: result.response.status, ...problem });
  }
  return result.data;
}

/** For answers without a body (204): a ProblemError when the API answered one. */
export function expectOk(result: { error?: unknown; response: Response }): void {
  if (result.error !== undefined || !result.response.ok) {
    throw new ProblemError({ status: result.response.status, ...((result.error ?? {}) as Problem) });
  }
}
