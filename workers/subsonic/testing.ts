/** Helpers for the Subsonic suites in workerd (not shipped code paths). */
import { env, SELF } from "cloudflare:test";
import { bearer, pattern, signUpListener, viaSelf, withDb, type Listener } from "../playback/testing.ts";

export { withDb, type Listener };

export interface SubsonicListener extends Listener {
  apiKey: string;
  apiKeyId: string;
}

async function created<T>(response: Response): Promise<T> {
  if (response.status !== 201) throw new Error(`expected 201, got ${response.status}: ${await response.text()}`);
  return response.json<T>();
}

export function createCredential(listener: Listener, kind: "api-keys" | "app-passwords", name: string): Promise<Response> {
  return viaSelf(`/me/${kind}`, { method: "POST", headers: { ...bearer(listener.token), "content-type": "application/json" }, body: JSON.stringify({ name }) });
}

/** A listener (free or premium) with one API key. */
export async function listenerWithKey(premium = false): Promise<SubsonicListener> {
  const listener = await signUpListener(viaSelf, premium);
  const key = await created<{ id: string; key: string }>(await createCredential(listener, "api-keys", "test player"));
  return { ...listener, apiKey: key.key, apiKeyId: key.id };
}

export async function appPassword(listener: Listener, name = "old player"): Promise<{ id: string; password: string }> {
  return created(await createCredential(listener, "app-passwords", name));
}

export type Params = Record<string, string | number | boolean | ReadonlyArray<string | number>>;

export function query(params: Params): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item));
  }
  return search.toString();
}

/** GET /rest/<method>?<params>. */
export function rest(method: string, params: Params, init?: RequestInit): Promise<Response> {
  return SELF.fetch(`https://tunec.test/rest/${method}?${query(params)}`, init);
}

export type Envelope = Record<string, unknown> & {
  status: "ok" | "failed";
  version: string;
  type: string;
  serverVersion: string;
  openSubsonic: boolean;
  error?: { code: number; message?: string };
};

/** The JSON envelope of `method` called with the listener's API key. */
export async function call(listener: SubsonicListener | undefined, method: string, params: Params = {}): Promise<Envelope> {
  const response = await rest(method, { ...(listener ? { apiKey: listener.apiKey } : {}), f: "json", ...params });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${method} answered HTTP ${response.status}: ${text}`);
  return (JSON.parse(text) as { "subsonic-response": Envelope })["subsonic-response"];
}

/** Like `call`, but fails the test unless the status is ok. */
export async function ok(listener: SubsonicListener, method: string, params: Params = {}): Promise<Envelope> {
  const body = await call(listener, method, params);
  if (body.status !== "ok") throw new Error(`${method} failed: ${JSON.stringify(body.error)}`);
  return body;
}

export interface SeededLibrary {
  artistId: string;
  artistName: string;
  albumId: string;
  trackIds: string[];
  genre: string;
  coverKey: string;
  cover: Uint8Array<ArrayBuffer>;
  standard: Uint8Array<ArrayBuffer>;
  high: Uint8Array<ArrayBuffer>;
}

/** An artist with one published album of three tracks (renditions and a cover in R2), a unique genre, and a draft track. */
export async function seedLibrary(): Promise<SeededLibrary> {
  const tag = crypto.randomUUID().slice(0, 8);
  const genre = `Genre ${tag}`;
  return withDb(async (db) => {
    const artistName = `Subsonic Artist ${tag}`;
    const artist = await db.insertInto("catalog.artists").values({ name: artistName }).returning("id").executeTakeFirstOrThrow();
    const coverKey = `covers/${tag}.jpg`;
    const cover = pattern(2048, 3);
    await env.MEDIA.put(coverKey, cover, { httpMetadata: { contentType: "image/jpeg" } });
    const album = await db
      .insertInto("catalog.albums")
      .values({ title: `Album ${tag}`, artist_id: artist.id, release_date: "2021-05-01", cover_key: coverKey, genres: [genre] })
      .returning("id")
      .executeTakeFirstOrThrow();
    const tracks = await db
      .insertInto("catalog.tracks")
      .values(
        [1, 2, 3].map((position) => ({
          title: `Song ${position} ${tag}`,
          artist_id: artist.id,
          album_id: album.id,
          position,
          duration_ms: 200_000 + position * 1000,
          genres: [genre],
          isrc: position === 1 ? "RUA1D2300001" : null,
          explicit: position === 2,
          status: "published" as const,
          published_at: new Date(Date.UTC(2024, 0, position)),
        })),
      )
      .returning("id")
      .execute();
    await db
      .insertInto("catalog.tracks")
      .values({ title: `Draft ${tag}`, artist_id: artist.id, album_id: album.id, duration_ms: 1000, status: "draft" })
      .execute();
    const trackIds = tracks.map((track) => track.id);
    const standard = pattern(64 * 1024 + 3, 5);
    const high = pattern(128 * 1024 + 9, 9);
    for (const trackId of trackIds) {
      await env.MEDIA.put(`tracks/${trackId}/standard.m4a`, standard, { httpMetadata: { contentType: "audio/mp4" } });
      await env.MEDIA.put(`tracks/${trackId}/high.m4a`, high, { httpMetadata: { contentType: "audio/mp4" } });
      await db
        .insertInto("catalog.renditions")
        .values(
          (["standard", "high"] as const).map((quality) => ({
            track_id: trackId,
            quality,
            codec: "aac" as const,
            bitrate_kbps: quality === "high" ? 256 : 128,
            object_key: `tracks/${trackId}/${quality}.m4a`,
            size_bytes: quality === "high" ? high.byteLength : standard.byteLength,
            loudness_lufs: "-14.00",
          })),
        )
        .execute();
    }
    return { artistId: artist.id, artistName, albumId: album.id, trackIds, genre, coverKey, cover, standard, high };
  });
}
