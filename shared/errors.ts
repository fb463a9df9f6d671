/**
 * The error catalogue. Domain code throws `AppError` with a stable code; the
 * gateway maps it once (workers/platform/edge/problem.ts) to an RFC 9457 problem.
 */
export const errorCodes = [
  "BAD_REQUEST",
  "MALFORMED_JSON",
  "VALIDATION_FAILED",
  "UNAUTHORIZED",
  "INVALID_TOKEN",
  "INVALID_CREDENTIALS",
  "INVALID_REFRESH_TOKEN",
  "FORBIDDEN",
  "NOT_FOUND",
  "ROUTE_NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "CONFLICT",
  "GONE",
  "PRECONDITION_FAILED",
  "PRECONDITION_REQUIRED",
  "PLAYLIST_FULL",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "RATE_LIMITED",
  "OAUTH_SIGN_IN_FAILED",
  "PAYMENT_CALLBACK_INVALID",
  "IDEMPOTENCY_KEY_REUSED",
  "PREMIUM_REQUIRED",
  "MEDIA_URL_INVALID",
  "MEDIA_URL_EXPIRED",
  "STREAM_TAKEN_OVER",
  "RANGE_NOT_SATISFIABLE",
  "BAD_GATEWAY",
  "INTERNAL",
  "SERVICE_UNAVAILABLE",
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface ErrorSpec {
  status: number;
  title: string;
}

/** Exhaustive: adding a code without a status is a compile error. */
export function errorSpec(code: ErrorCode): ErrorSpec {
  switch (code) {
    case "BAD_REQUEST":
      return { status: 400, title: "Bad request" };
    case "MALFORMED_JSON":
      return { status: 400, title: "Malformed JSON body" };
    case "VALIDATION_FAILED":
      return { status: 400, title: "Request validation failed" };
    case "UNAUTHORIZED":
      return { status: 401, title: "Authentication required" };
    case "INVALID_TOKEN":
      return { status: 401, title: "Invalid access token" };
    case "INVALID_CREDENTIALS":
      return { status: 401, title: "Invalid credentials" };
    case "INVALID_REFRESH_TOKEN":
      return { status: 401, title: "Invalid refresh token" };
    case "FORBIDDEN":
      return { status: 403, title: "Forbidden" };
    case "NOT_FOUND":
      return { status: 404, title: "Resource not found" };
    case "ROUTE_NOT_FOUND":
      return { status: 404, title: "No such route" };
    case "METHOD_NOT_ALLOWED":
      return { status: 405, title: "Method not allowed" };
    case "CONFLICT":
      return { status: 409, title: "Conflict" };
    case "GONE":
      return { status: 410, title: "Gone" };
    case "PRECONDITION_FAILED":
      return { status: 412, title: "Precondition failed" };
    case "PRECONDITION_REQUIRED":
      return { status: 428, title: "Precondition required" };
    case "PLAYLIST_FULL":
      return { status: 409, title: "Playlist track limit reached" };
    case "PAYLOAD_TOO_LARGE":
      return { status: 413, title: "Payload too large" };
    case "UNSUPPORTED_MEDIA_TYPE":
      return { status: 415, title: "Unsupported media type" };
    case "RATE_LIMITED":
      return { status: 429, title: "Too many requests" };
    case "OAUTH_SIGN_IN_FAILED":
      return { status: 400, title: "Sign-in with the provider failed" };
    case "PAYMENT_CALLBACK_INVALID":
      return { status: 400, title: "Payment callback could not be verified" };
    case "IDEMPOTENCY_KEY_REUSED":
      return { status: 422, title: "Idempotency-Key reused with a different request" };
    case "BAD_GATEWAY":
      return { status: 502, title: "An upstream service failed" };
    case "INTERNAL":
      return { status: 500, title: "Internal server error" };
    case "SERVICE_UNAVAILABLE":
      return { status: 503, title: "Service unavailable" };
    case "PREMIUM_REQUIRED":
      return { status: 403, title: "A premium subscription is required" };
    case "MEDIA_URL_INVALID":
      return { status: 403, title: "The media URL is invalid" };
    case "MEDIA_URL_EXPIRED":
      return { status: 403, title: "The media URL has expired" };
    case "STREAM_TAKEN_OVER":
      return { status: 409, title: "Playback moved to another device" };
    case "RANGE_NOT_SATISFIABLE":
      return { status: 416, title: "Range not satisfiable" };
  }
}

/** Stable, documented problem type URI for a code, e.g. `https://tunec.dev/problems/route-not-found`. */
export function problemType(code: ErrorCode): string {
  return `https://tunec.dev/problems/${code.toLowerCase().replaceAll("_", "-")}`;
}

export interface FieldError {
  /** Where the bad value is, e.g. `body.email` or `query.limit`. */
  field: string;
  message: string;
}

export class AppError extends Error {
  override readonly name = "AppError";
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly extensions: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? errorSpec(code).title);
  }
}

/** The RFC 9457 body the gateway sends. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: ErrorCode;
  request_id?: string;
  errors?: FieldError[];
}

export function toProblem(error: AppError, instance?: string, requestId?: string): ProblemDetails {
  const spec = errorSpec(error.code);
  return {
    type: problemType(error.code),
    title: spec.title,
    status: spec.status,
    ...(error.detail ? { detail: error.detail } : {}),
    ...(instance ? { instance } : {}),
    code: error.code,
    ...(requestId ? { request_id: requestId } : {}),
    ...(error.extensions.errors ? { errors: error.extensions.errors } : {}),
  };
}
