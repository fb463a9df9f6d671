/**
 * The `subsonic-response` envelope in the three wire formats clients ask for
 * with `f`: XML (the default), JSON and JSONP. Handlers build one JSON-shaped
 * payload; XML is derived from it with the rules every Subsonic server uses
 * (scalars become attributes, objects and array items become child elements
 * named by their key, `value` becomes the element's text).
 */

export const subsonicApiVersion = "1.16.1";
export const serverType = "tunec";
export const serverVersion = "0.1.0";

export type SubsonicScalar = string | number | boolean;
export type SubsonicValue = SubsonicScalar | SubsonicObject | ReadonlyArray<SubsonicScalar | SubsonicObject> | undefined;
export interface SubsonicObject {
  readonly [key: string]: SubsonicValue;
}

/** Subsonic error codes (OpenSubsonic `error`); 42–44 come from the apiKeyAuthentication extension. */
export const errorCodes = {
  generic: 0,
  missingParameter: 10,
  wrongCredentials: 40,
  tokenAuthNotSupported: 41,
  authMechanismNotSupported: 42,
  conflictingAuth: 43,
  invalidApiKey: 44,
  notAuthorized: 50,
  notFound: 70,
} as const;
export type ErrorCode = (typeof errorCodes)[keyof typeof errorCodes];

/** A failure answered inside the envelope (HTTP 200: Subsonic clients read the body, not the status). */
export class SubsonicError extends Error {
  override readonly name = "SubsonicError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly helpUrl?: string,
  ) {
    super(message);
  }
}

export type Format = { kind: "xml" } | { kind: "json" } | { kind: "jsonp"; callback: string };

// A JSONP callback lands verbatim in JavaScript: a plain dotted identifier only.
const callbackPattern = /^[A-Za-z_$][\w$]{0,63}(?:\.[A-Za-z_$][\w$]{0,63}){0,3}$/;

/** `f` as clients send it; anything unknown falls back to XML, as the original server does. */
export function formatOf(f: string | undefined, callback: string | undefined): Format {
  if (f === "json") return { kind: "json" };
  if (f === "jsonp" && callback !== undefined && callbackPattern.test(callback)) return { kind: "jsonp", callback };
  return { kind: "xml" };
}

function envelope(status: "ok" | "failed", payload: SubsonicObject): SubsonicObject {
  return { status, version: subsonicApiVersion, type: serverType, serverVersion, openSubsonic: true, ...payload };
}

export function okBody(payload: SubsonicObject = {}): SubsonicObject {
  return envelope("ok", payload);
}

export function errorBody(error: SubsonicError): SubsonicObject {
  return envelope("failed", { error: { code: error.code, message: error.message, ...(error.helpUrl ? { helpUrl: error.helpUrl } : {}) } });
}

// XML 1.0 forbids most control characters even escaped; catalog text is stranger input.
const invalidXml = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function escapeXml(text: string): string {
  return text.replace(invalidXml, "").replace(/[&<>"']/g, (char) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[char] ?? "amp"};`);
}

function isScalar(value: SubsonicValue): value is SubsonicScalar {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function element(name: string, value: SubsonicScalar | SubsonicObject, xmlns?: string): string {
  if (isScalar(value)) return `<${name}>${escapeXml(String(value))}</${name}>`;
  let attributes = xmlns ? ` xmlns="${xmlns}"` : "";
  let children = "";
  let text = "";
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    if (key === "value" && isScalar(child)) text = escapeXml(String(child));
    else if (isScalar(child)) attributes += ` ${key}="${escapeXml(String(child))}"`;
    else if (Array.isArray(child)) for (const item of child as ReadonlyArray<SubsonicScalar | SubsonicObject>) children += element(key, item);
    else children += element(key, child as SubsonicObject);
  }
  const content = text + children;
  return content ? `<${name}${attributes}>${content}</${name}>` : `<${name}${attributes}/>`;
}

/** Drops undefined fields, so JSON and XML carry the same set of keys. */
function clean(value: SubsonicValue): unknown {
  if (Array.isArray(value)) return value.map((item) => clean(item as SubsonicValue));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as SubsonicObject).flatMap(([key, child]) => (child === undefined ? [] : [[key, clean(child)]])));
  }
  return value;
}

/** The whole response; errors too are HTTP 200, as Subsonic clients expect. */
export function render(format: Format, body: SubsonicObject): Response {
  const headers = { "cache-control": "no-store", "x-content-type-options": "nosniff" };
  if (format.kind === "xml") {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n${element("subsonic-response", body, "http://subsonic.org/restapi")}`;
    return new Response(xml, { status: 200, headers: { ...headers, "content-type": "application/xml; charset=utf-8" } });
  }
  const json = JSON.stringify({ "subsonic-response": clean(body) });
  if (format.kind === "jsonp") {
    return new Response(`${format.callback}(${json});`, { status: 200, headers: { ...headers, "content-type": "application/javascript; charset=utf-8" } });
  }
  return new Response(json, { status: 200, headers: { ...headers, "content-type": "application/json; charset=utf-8" } });
}
