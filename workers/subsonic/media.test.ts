import { beforeAll, describe, expect, it } from "vitest";
import { relayedOutboxRows } from "../playback/testing.ts";
import { subsonicPlayId } from "./handlers/media.ts";
import * as shapes from "./opensubsonic-shapes.ts";
import { call, createCredential, listenerWithKey, ok, rest, seedLibrary, type SeededLibrary, type SubsonicListener } from "./testing.ts";

async function bytes(response: Response): Promise<Uint8Array> {
  return new Uint8Array(await response.arrayBuffer());
}

/** The events of the listener's play of a track this hour (the id Subsonic plays are given), once the Session DO relayed them. */
async function playEvents(listener: SubsonicListener, trackId: string, atLeast: number): Promise<Array<{ type: string; playId: string; quality: unknown }>> {
  const playId = await subsonicPlayId(listener.apiKeyId, trackId, Date.now());
  const rows = await relayedOutboxRows(listener.userId, playId, atLeast);
  return rows.map((row) => ({ type: row.type, playId: String(row.data.playId), quality: row.data.quality }));
}

describe("Subsonic stream, download, scrobble and cover art in workerd", () => {
  let free: SubsonicListener;
  let premium: SubsonicListener;
  let library: SeededLibrary;
  beforeAll(async () => {
    [free, premium, library] = await Promise.all([listenerWithKey(false), listenerWithKey(true), seedLibrary()]);
  });

  it("streams the standard file to a free listener from the edge, with Range", async () => {
    const id = library.trackIds[0] ?? "";
    const full = await rest("stream", { apiKey: free.apiKey, id });
    expect(full.status).toBe(200);
    expect(full.headers.get("content-type")).toBe("audio/mp4");
    expect(full.headers.get("accept-ranges")).toBe("bytes");
    expect(await bytes(full)).toEqual(library.standard);
    const part = await rest("stream.view", { apiKey: free.apiKey, id }, { headers: { range: "bytes=100-199" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100-199/${library.standard.byteLength}`);
    expect(await bytes(part)).toEqual(library.standard.slice(100, 200));
    const beyond = await rest("stream", { apiKey: free.apiKey, id }, { headers: { range: `bytes=${library.standard.byteLength + 10}-` } });
    expect(beyond.status).toBe(416);
    // Asking for more never gets a free listener the high file.
    expect(await bytes(await rest("stream", { apiKey: free.apiKey, id, maxBitRate: 320 }))).toEqual(library.standard);
  });

  it("answers a HEAD with the length and type only", async () => {
    const id = library.trackIds[0] ?? "";
    const head = await rest("stream", { apiKey: free.apiKey, id }, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(library.standard.byteLength));
    expect(head.headers.get("content-type")).toBe("audio/mp4");
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it("streams high quality to premium, standard when maxBitRate is below it", async () => {
    const id = library.trackIds[1] ?? "";
    expect(await bytes(await rest("stream", { apiKey: premium.apiKey, id }))).toEqual(library.high);
    expect(await bytes(await rest("stream", { apiKey: premium.apiKey, id, maxBitRate: 128 }))).toEqual(library.standard);
  });

  it("refuses what it must: wrong key (44, no bytes), unknown song (70)", async () => {
    const id = library.trackIds[0] ?? "";
    const refused = await rest("stream", { apiKey: "tunec_wrong", id, f: "json" });
    expect(refused.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await refused.json()).toMatchObject({ "subsonic-response": { status: "failed", error: { code: 44 } } });
    expect(await call(free, "stream", { id: crypto.randomUUID() })).toMatchObject({ status: "failed", error: { code: 70 } });
    expect(await call(free, "stream")).toMatchObject({ status: "failed", error: { code: 10 } });
  });

  it("downloads for premium only", async () => {
    const id = library.trackIds[0] ?? "";
    expect(await call(free, "download", { id })).toMatchObject({ status: "failed", error: { code: 50 } });
    const download = await rest("download", { apiKey: premium.apiKey, id });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toBe(`attachment; filename="${id}.m4a"`);
    expect(await bytes(download)).toEqual(library.high);
  });

  it("serves cover art by its id, 70 for an unknown one", async () => {
    const cover = await rest("getCoverArt", { apiKey: free.apiKey, id: `al-${library.albumId}`, size: 300 });
    expect(cover.status).toBe(200);
    expect(cover.headers.get("content-type")).toBe("image/jpeg");
    expect(await bytes(cover)).toEqual(library.cover);
    expect(await call(free, "getCoverArt", { id: `al-${crypto.randomUUID()}` })).toMatchObject({ status: "failed", error: { code: 70 } });
    expect(await call(free, "getCoverArt", { id: "../secret" })).toMatchObject({ status: "failed", error: { code: 70 } });
  });

  it("records a streamed and scrobbled play once: PlaybackStarted then PlaybackFinished, one play id", async () => {
    const listener = await listenerWithKey(false);
    const id = library.trackIds[2] ?? "";
    // A player's several Range requests of one play, then "now playing", then the submission (twice, a retry).
    await (await rest("stream", { apiKey: listener.apiKey, id })).arrayBuffer();
    await (await rest("stream", { apiKey: listener.apiKey, id }, { headers: { range: "bytes=1000-" } })).arrayBuffer();
    await ok(listener, "scrobble", { id, submission: false });
    await ok(listener, "scrobble", { id, submission: true, time: Date.now() });
    await ok(listener, "scrobble", { id });
    const events = await playEvents(listener, id, 2);
    expect(events.map((event) => event.type).sort()).toEqual(["tunec.playback.playback-finished.v1", "tunec.playback.playback-started.v1"]);
    expect(new Set(events.map((event) => event.playId)).size).toBe(1);
    expect(events[0]?.quality).toBe("standard");
  });

  it("streams on one device at a time: a device that lost the stream gets no more of it until it starts again", async () => {
    const phone = await listenerWithKey(false);
    const laptop = await createCredential(phone, "api-keys", "laptop").then((response) => response.json<{ key: string }>());
    const id = library.trackIds[0] ?? "";
    const part = (apiKey: string, start: number) => rest("stream", { apiKey, id, f: "json" }, { headers: { range: `bytes=${start}-${start + 99}` } });
    expect((await rest("stream", { apiKey: phone.apiKey, id }, { headers: { range: "bytes=0-99" } })).status).toBe(206);
    expect((await part(phone.apiKey, 100)).status).toBe(206);
    // The laptop starts the same account's stream: the phone's next part is refused, in the envelope.
    expect((await rest("stream", { apiKey: laptop.key, id })).status).toBe(200);
    const refused = await part(phone.apiKey, 200);
    expect(refused.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await refused.json()).toMatchObject({
      "subsonic-response": { status: "failed", error: { code: 0, message: expect.stringContaining("another device") } },
    });
    expect((await part(laptop.key, 200)).status).toBe(206);
    // Pressing play on the phone (the start of the file again) takes it back.
    expect((await rest("stream", { apiKey: phone.apiKey, id }, { headers: { range: "bytes=0-" } })).status).toBe(206);
    expect((await part(phone.apiKey, 300)).status).toBe(206);
    expect(await (await part(laptop.key, 300)).json()).toMatchObject({ "subsonic-response": { status: "failed" } });
  });

  it("getNowPlaying shows the caller's own devices only, until the play is submitted", async () => {
    const listener = await listenerWithKey(false);
    const id = library.trackIds[1] ?? "";
    const nowPlaying = async (who: SubsonicListener) =>
      shapes.success("nowPlaying", shapes.nowPlaying).parse(await ok(who, "getNowPlaying")).nowPlaying.entry ?? [];
    expect(await nowPlaying(listener)).toEqual([]);
    await (await rest("stream", { apiKey: listener.apiKey, id, c: "Tempo" })).arrayBuffer();
    expect(await nowPlaying(listener)).toEqual([
      expect.objectContaining({ id, username: listener.email, minutesAgo: 0, playerId: 1, playerName: "test player" }),
    ]);
    expect((await nowPlaying(free)).map((entry) => entry.id)).not.toContain(id);
    await ok(listener, "scrobble", { id });
    expect(await nowPlaying(listener)).toEqual([]);
    // Players scrobble half-way and go on fetching the file: that is not a new play.
    expect((await rest("stream", { apiKey: listener.apiKey, id }, { headers: { range: "bytes=1000-1999" } })).status).toBe(206);
    expect(await nowPlaying(listener)).toEqual([]);
    await ok(listener, "scrobble", { id, submission: false });
    expect((await nowPlaying(listener)).map((entry) => entry.id)).toEqual([id]);
  });

  it("records a scrobble of a song never streamed here (offline cache) once too", async () => {
    const listener = await listenerWithKey(true);
    const id = library.trackIds[0] ?? "";
    await ok(listener, "scrobble", { id });
    await ok(listener, "scrobble", { id });
    const events = await playEvents(listener, id, 2);
    expect(events.map((event) => event.type).sort()).toEqual(["tunec.playback.playback-finished.v1", "tunec.playback.playback-started.v1"]);
    expect(await call(listener, "scrobble", { id: crypto.randomUUID() })).toMatchObject({ status: "failed", error: { code: 70 } });
    expect(await call(listener, "scrobble")).toMatchObject({ status: "failed", error: { code: 10 } });
  });
});
