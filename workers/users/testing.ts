/** Helpers for the users suites in workerd (not shipped code paths). */
import { env, SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { signUp } from "../auth/testing.ts";
import { createEdgeDatabase } from "../platform/edge-database.ts";

export interface User {
  token: string;
  userId: string;
}

export async function signUpUser(): Promise<User> {
  const tokens = await signUp();
  return { token: tokens.access_token, userId: String(decodeJwt(tokens.access_token).sub) };
}

export async function withDb<T>(work: (db: ReturnType<typeof createEdgeDatabase>) => Promise<T>): Promise<T> {
  const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

export interface CallOptions {
  user?: User | undefined;
  body?: unknown;
  /** A version number (sent as `"n"`) or a raw If-Match value. */
  ifMatch?: number | string | undefined;
}

export function call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (options.user) headers.authorization = `Bearer ${options.user.token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.ifMatch !== undefined) headers["if-match"] = typeof options.ifMatch === "number" ? `"${options.ifMatch}"` : options.ifMatch;
  return SELF.fetch(`https://tunec.test${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
}

/** Parses a JSON body after checking the status, with the body in the failure message. */
export async function expectJson<T>(response: Response | Promise<Response>, status: number): Promise<T> {
  const settled = await response;
  const text = await settled.text();
  if (settled.status !== status) throw new Error(`expected ${status}, got ${settled.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** `count` published catalog tracks by one new artist; returns their ids in creation order. */
export async function seedPublishedTracks(count: number): Promise<string[]> {
  return withDb(async (db) => {
    const artist = await db
      .insertInto("catalog.artists")
      .values({ name: `Users test ${crypto.randomUUID().slice(0, 8)}` })
      .returning("id")
      .executeTakeFirstOrThrow();
    const rows = await db
      .insertInto("catalog.tracks")
      .values(
        Array.from({ length: count }, (_, index) => ({
          title: `Track ${index + 1}`,
          artist_id: artist.id,
          duration_ms: 180_000,
          status: "published" as const,
          published_at: new Date(Date.UTC(2024, 0, 1, 0, index)),
        })),
      )
      .returning("id")
      .execute();
    return rows.map((row) => row.id);
  });
}

export interface PlaylistBody {
  id: string;
  owner_id: string;
  name: string;
  description: string | null;
  visibility: "private" | "public";
  collaborative: boolean;
  editors: string[];
  track_count: number;
  follower_count: number;
  version: number;
  role: string;
}

export interface EntryBody {
  entry_id: string;
  track_id: string;
  added_by: string;
  added_at: string;
}

export async function createPlaylist(user: User, body: Record<string, unknown> = { name: "Test playlist" }): Promise<PlaylistBody> {
  return expectJson<PlaylistBody>(call("POST", "/playlists", { user, body }), 201);
}

export async function addTracks(
  user: User,
  playlist: { id: string; version: number },
  trackIds: string[],
): Promise<{ playlist: PlaylistBody; entries: EntryBody[] }> {
  return expectJson(call("POST", `/playlists/${playlist.id}/tracks`, { user, ifMatch: playlist.version, body: { track_ids: trackIds } }), 201);
}
