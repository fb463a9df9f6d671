/** Helpers for the ingestion tests in workerd (not shipped code paths). */
import { env, SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { createLogger } from "../../shared/logger.ts";
import { setRoles } from "../auth/accounts.ts";
import { addArtistManager } from "../catalog/artist-managers.ts";
import { strongPassword, uniqueEmail, type Tokens } from "../auth/testing.ts";
import { createWorkerAuth } from "../auth/worker-services.ts";
import { createGatewayApp } from "../gateway/app.ts";
import { createEdgeDatabase } from "../platform/edge-database.ts";
import type { WorkerBindings } from "../platform/bindings.ts";

export const base = "https://tunec.test";

export async function withDb<T>(work: (db: ReturnType<typeof createEdgeDatabase>) => Promise<T>): Promise<T> {
  const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

export interface Artist {
  token: string;
  userId: string;
  artistId: string;
}

type Send = (path: string, init?: RequestInit) => Promise<Response>;

const viaSelf: Send = (path, init) => SELF.fetch(`${base}${path}`, init);

async function post<T>(send: Send, path: string, body: unknown, status: number): Promise<T> {
  const response = await send(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (response.status !== status) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return response.json<T>();
}

/**
 * An account with the artist role (after a refresh) and an artist profile it
 * manages (catalog.artist_managers), signed in through `send` (the Worker, or an app with its own keys).
 */
export async function signUpArtist(name = "Тестовый артист", send: Send = viaSelf): Promise<Artist> {
  const email = uniqueEmail("artist");
  await post(send, "/auth/register", { email, password: strongPassword }, 202);
  const tokens = await post<Tokens>(send, "/auth/login", { email, password: strongPassword }, 200);
  const userId = String(decodeJwt(tokens.access_token).sub);
  const artistId = await withDb(async (db) => {
    await setRoles(db, userId, ["listener", "artist"]);
    const row = await db.insertInto("catalog.artists").values({ name }).returning("id").executeTakeFirstOrThrow();
    await addArtistManager(db, { artistId: row.id, userId, addedBy: null });
    return row.id;
  });
  const refreshed = await post<Tokens>(send, "/auth/refresh", { refresh_token: tokens.refresh_token }, 200);
  return { token: refreshed.access_token, userId, artistId };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The gateway with extra bindings (signing key, internal token, …), served through app.request. */
export function appWith(
  overrides: Partial<
    Pick<
      WorkerBindings,
      "UPLOAD_SIGNING_KEY" | "STORAGE_INTERNAL_TOKEN" | "UPLOAD_URL_TTL_SECONDS" | "UPLOAD_MULTIPART_THRESHOLD_BYTES" | "UPLOAD_PART_SIZE_BYTES"
    >
  >,
) {
  const bindings = { ...env, ...overrides };
  const auth = createWorkerAuth(bindings, createLogger({ service: "test" }, "error"));
  const app = createGatewayApp({
    logLevel: "error",
    services: () => {
      const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
      return { services: { db, auth }, release: () => db.destroy() };
    },
  });
  return {
    bindings,
    request: async (path: string, init?: RequestInit) => app.request(path.startsWith("http") ? path : `${base}${path}`, init, bindings),
  };
}

/** A lazily produced body of `size` bytes that counts what was actually pulled from it. */
export function countingBody(size: number, chunk = 64 * 1024): { body: ReadableStream<Uint8Array>; pulled(): number } {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= size) return controller.close();
      const bytes = new Uint8Array(Math.min(chunk, size - pulled));
      pulled += bytes.byteLength;
      controller.enqueue(bytes);
    },
  });
  return { body, pulled: () => pulled };
}
