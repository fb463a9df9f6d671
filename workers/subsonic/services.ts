/** The Subsonic context's key, built once per isolate from the bindings (the only file here that reads them). */
import type { Context } from "hono";
import { ConfigError, parseConfig } from "../../shared/config.ts";
import { AppError } from "../../shared/errors.ts";
import type { GatewayEnv } from "../platform/edge/context.ts";
import { subsonicConfigSchema } from "./config.ts";
import { appPasswordKey } from "./secrets.ts";

// A deliberate isolate cache keyed by the bindings object, like playback's services.
const keys = new WeakMap<object, Promise<CryptoKey>>();
const noBindings = {};

/** The AES-GCM key of app passwords; 503 (a problem, or Subsonic error 0 on /rest) when misconfigured. */
export async function appPasswordKeyOf(c: Context<GatewayEnv>): Promise<CryptoKey> {
  const env: unknown = c.env;
  const source = typeof env === "object" && env !== null ? (env as Record<string, unknown>) : noBindings;
  let key = keys.get(source);
  if (!key) {
    key = (async () => appPasswordKey(parseConfig(subsonicConfigSchema, source).SUBSONIC_SECRET_KEY))();
    keys.set(source, key);
    key.catch(() => keys.delete(source));
  }
  try {
    return await key;
  } catch (error) {
    if (!(error instanceof ConfigError) && !(error instanceof Error && error.message.includes("SUBSONIC_SECRET_KEY"))) throw error;
    c.get("log").error("invalid subsonic configuration", { error });
    throw new AppError("SERVICE_UNAVAILABLE", "App passwords are misconfigured on this server; operators have been alerted.");
  }
}

/** The slice of R2 the resized covers need: read an original, keep a variant. */
export interface CoverStore {
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null>;
  head(key: string): Promise<unknown>;
  put(key: string, value: Uint8Array, options: { httpMetadata: { contentType: string } }): Promise<unknown>;
}

/** The media bucket when it is R2 (the Worker's MEDIA binding); null in S3 mode, where covers are not resized. */
export function coverStoreOf(c: Context<GatewayEnv>): CoverStore | null {
  const env: unknown = c.env;
  const media = typeof env === "object" && env !== null ? (env as Record<string, unknown>).MEDIA : undefined;
  const candidate = media as Partial<CoverStore> | undefined;
  return candidate && typeof candidate.get === "function" && typeof candidate.put === "function" && typeof candidate.head === "function"
    ? (candidate as CoverStore)
    : null;
}
