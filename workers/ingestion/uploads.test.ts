import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { signUp } from "../auth/testing.ts";
import { bearer, signUpArtist, withDb, type Artist } from "./testing.ts";

interface Created {
  upload_id: string;
  track_id: string;
  status: string;
  expires_at: string;
  upload: { method: "PUT"; url: string; headers: Record<string, string> };
  complete_url: string;
}

const fakeAudio = (size: number) => new Uint8Array(size).map((_, i) => i % 256);

async function create(artist: Artist, body: Record<string, unknown> = {}): Promise<Response> {
  return SELF.fetch("https://tunec.test/tracks", {
    method: "POST",
    headers: { "content-type": "application/json", ...bearer(artist.token) },
    body: JSON.stringify({ title: "Звезда по имени Солнце", content_type: "audio/mpeg", size_bytes: 4096, genres: ["rock"], language: "ru", ...body }),
  });
}

const complete = (artist: Artist, created: Created) =>
  SELF.fetch(`https://tunec.test${created.complete_url}`, { method: "POST", headers: bearer(artist.token) });

describe("ingestion at the edge: happy path", () => {
  it("creates an upload, takes the bytes at the signed URL into R2, completes, and shows the status", async () => {
    const artist = await signUpArtist("Кинозвезда");
    const response = await create(artist, { isrc: "RU-A1D-24-00001" });
    expect(response.status).toBe(201);
    const created = await response.json<Created>();
    expect(created).toMatchObject({ status: "awaiting_upload", upload: { method: "PUT", headers: { "content-type": "audio/mpeg" } } });
    expect(response.headers.get("location")).toBe(`/uploads/${created.upload_id}`);
    const url = new URL(created.upload.url);
    expect(url.pathname).toBe(`/uploads/${created.upload_id}/content`);
    expect(url.searchParams.get("sig")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Number(url.searchParams.get("exp")) * 1000).toBeGreaterThan(Date.now() + 60_000);

    const put = await SELF.fetch(created.upload.url, { method: "PUT", headers: created.upload.headers, body: fakeAudio(4096) });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ upload_id: created.upload_id, size_bytes: 4096 });
    const object = await env.MEDIA.get(`uploads/${created.upload_id}/source`);
    expect(new Uint8Array((await object?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(fakeAudio(4096));
    expect(object?.httpMetadata?.contentType).toBe("audio/mpeg");

    const completed = await complete(artist, created);
    expect(completed.status).toBe(202);
    expect(await completed.json()).toMatchObject({ upload_id: created.upload_id, status: "uploaded", size_bytes: 4096, rejection: null });
    // Completing twice is harmless.
    expect((await complete(artist, created)).status).toBe(202);
    const status = await SELF.fetch(`https://tunec.test/uploads/${created.upload_id}`, { headers: bearer(artist.token) });
    expect(await status.json()).toMatchObject({ status: "uploaded", title: "Звезда по имени Солнце", track_id: created.track_id });
    const row = await withDb((db) => db.selectFrom("ingestion.uploads").selectAll().where("id", "=", created.upload_id).executeTakeFirstOrThrow());
    expect(row).toMatchObject({ artist_id: artist.artistId, user_id: artist.userId, isrc: "RUA1D2400001", storage: "r2", state: "uploaded" });

    // The URL took its bytes: it cannot replace them now.
    const again = await SELF.fetch(created.upload.url, { method: "PUT", headers: created.upload.headers, body: fakeAudio(4096) });
    expect(again.status).toBe(409);
  });
});

describe("ingestion at the edge: who may upload", () => {
  it("a listener cannot create an upload (403), an anonymous caller gets 401", async () => {
    const listener = await signUp();
    const forbidden = await create({ token: listener.access_token, userId: "", artistId: "" });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get("content-type")).toBe("application/problem+json");
    expect(await forbidden.json()).toMatchObject({ code: "FORBIDDEN", detail: "This route needs the role artist." });
    const anonymous = await SELF.fetch("https://tunec.test/tracks", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(anonymous.status).toBe(401);
  });

  it("an artist cannot complete or read another artist's upload (403)", async () => {
    const owner = await signUpArtist("Владелец");
    const intruder = await signUpArtist("Чужой");
    const created = await (await create(owner)).json<Created>();
    await SELF.fetch(created.upload.url, { method: "PUT", headers: created.upload.headers, body: fakeAudio(4096) });
    const stolen = await complete(intruder, created);
    expect(stolen.status).toBe(403);
    expect(await stolen.json()).toMatchObject({ code: "FORBIDDEN", detail: "This upload belongs to another artist." });
    expect((await SELF.fetch(`https://tunec.test/uploads/${created.upload_id}`, { headers: bearer(intruder.token) })).status).toBe(403);
    const row = await withDb((db) => db.selectFrom("ingestion.uploads").select("state").where("id", "=", created.upload_id).executeTakeFirstOrThrow());
    expect(row.state).toBe("awaiting_upload");
  });

  it("an artist account without an artist profile is told why (409)", async () => {
    const artist = await signUpArtist();
    await withDb((db) => db.deleteFrom("catalog.artist_managers").where("user_id", "=", artist.userId).execute());
    const response = await create(artist);
    expect(response.status).toBe(409);
    expect((await response.json<{ detail: string }>()).detail).toContain("no artist profile");
  });
});

describe("ingestion at the edge: refused at URL issuance", () => {
  it("600 MB declared → 413, 0 bytes → 400, a JPEG type → 415, a foreign album → 400; nothing is created", async () => {
    const artist = await signUpArtist();
    const tooLarge = await create(artist, { size_bytes: 600 * 1024 * 1024 });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ code: "PAYLOAD_TOO_LARGE", detail: "The file is 600 MiB; the limit is 500 MiB." });
    const empty = await create(artist, { size_bytes: 0 });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ field: "body.size_bytes", message: "the file is empty (0 bytes)" }] });
    const jpeg = await create(artist, { content_type: "image/jpeg" });
    expect(jpeg.status).toBe(415);
    const other = await signUpArtist();
    const album = await withDb((db) =>
      db.insertInto("catalog.albums").values({ title: "Чужой альбом", artist_id: other.artistId }).returning("id").executeTakeFirstOrThrow(),
    );
    expect((await create(artist, { album_id: album.id, position: 1 })).status).toBe(400);
    const count = await withDb((db) => db.selectFrom("ingestion.uploads").select("id").where("user_id", "=", artist.userId).execute());
    expect(count).toHaveLength(0);
  });
});

describe("ingestion at the edge: completion checks the bucket", () => {
  it("completing before any bytes arrived → 409; a zero-byte object → rejected empty_file with UploadRejected", async () => {
    const artist = await signUpArtist();
    const created = await (await create(artist)).json<Created>();
    const early = await complete(artist, created);
    expect(early.status).toBe(409);
    expect((await early.json<{ detail: string }>()).detail).toContain("No file has been uploaded yet");

    // A zero-byte object can reach the bucket on S3 (the presigned PUT signs the length, but a misconfigured bucket may not check it).
    await env.MEDIA.put(`uploads/${created.upload_id}/source`, new Uint8Array());
    const rejected = await complete(artist, created);
    expect(rejected.status).toBe(202);
    expect(await rejected.json()).toMatchObject({ status: "rejected", rejection: { code: "empty_file", message: "The file is empty (0 bytes)." } });
    expect(await env.MEDIA.head(`uploads/${created.upload_id}/source`)).toBeNull();
    const events = await withDb((db) => db.selectFrom("events.outbox").selectAll().where("key", "=", created.upload_id).execute());
    expect(events.map((e) => e.type)).toEqual(["tunec.ingestion.upload-rejected.v1"]);
    expect(events[0]?.event).toMatchObject({ data: { uploadId: created.upload_id, reason: { code: "empty_file" }, artistId: artist.artistId } });
  });
});
