import { beforeAll, describe, expect, it } from "vitest";
import { playEventId } from "./play-ids.ts";
import { bearer, relayedOutboxRows, seedTracks, signInAs, signUpListener, stream, viaSelf, type Listener, type SeededTrack } from "./testing.ts";

interface Problem {
  type: string;
  status: number;
  code: string;
}

describe("GET /stream/{id}: entitlement and play events", () => {
  let track: SeededTrack;
  let draftId: string;
  let takenDownId: string;
  let free: Listener;
  let premium: Listener;

  beforeAll(async () => {
    const seeded = await seedTracks();
    track = seeded.published;
    draftId = seeded.draftId;
    takenDownId = seeded.takenDownId;
    [free, premium] = await Promise.all([signUpListener(viaSelf, false), signUpListener(viaSelf, true)]);
  });

  it("gives a free listener the standard rendition and refuses high with premium-required", async () => {
    const body = await stream(viaSelf, free, track.trackId);
    expect(body).toMatchObject({ track_id: track.trackId, quality: "standard", size_bytes: track.standard.byteLength, taken_over: false });
    expect(new URL(body.url).pathname).toBe(`/playback/media/tracks/${track.trackId}/standard.m4a`);
    const media = await viaSelf(body.url);
    expect(media.status).toBe(200);
    expect(new Uint8Array(await media.arrayBuffer())).toEqual(track.standard);

    const high = await viaSelf(`/stream/${track.trackId}?quality=high`, { headers: bearer(free.token) });
    expect(high.status).toBe(403);
    expect(high.headers.get("content-type")).toBe("application/problem+json");
    expect(await high.json<Problem>()).toMatchObject({ type: "https://tunec.dev/problems/premium-required", code: "PREMIUM_REQUIRED" });
  });

  it("gives a premium listener the high rendition by default, and standard when asked", async () => {
    const body = await stream(viaSelf, premium, track.trackId);
    expect(body).toMatchObject({ quality: "high", size_bytes: track.high.byteLength });
    const media = await viaSelf(body.url);
    expect(new Uint8Array(await media.arrayBuffer())).toEqual(track.high);
    expect((await stream(viaSelf, premium, track.trackId, "quality=standard")).quality).toBe("standard");
  });

  it("answers 401 without a token, 404 for drafts and unknown ids, 410 for taken-down tracks", async () => {
    const anonymous = await viaSelf(`/stream/${track.trackId}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toContain("Bearer");
    expect((await viaSelf(`/stream/${draftId}`, { headers: bearer(free.token) })).status).toBe(404);
    expect((await viaSelf(`/stream/${crypto.randomUUID()}`, { headers: bearer(free.token) })).status).toBe(404);
    const gone = await viaSelf(`/stream/${takenDownId}`, { headers: bearer(free.token) });
    expect(gone.status).toBe(410);
    expect((await gone.json<Problem>()).code).toBe("GONE");
    expect((await viaSelf(`/stream/not-a-uuid`, { headers: bearer(free.token) })).status).toBe(400);
  });

  it("writes PlaybackStarted exactly once per play id, however often the client retries", async () => {
    const playId = crypto.randomUUID();
    const first = await stream(viaSelf, free, track.trackId, `play_id=${playId}`);
    // Retries, some concurrent: each gets a fresh URL for the same play.
    const retries = await Promise.all([1, 2, 3].map(() => stream(viaSelf, free, track.trackId, `play_id=${playId}`)));
    expect([first, ...retries].every((body) => body.play_id === playId)).toBe(true);
    const rows = await relayedOutboxRows(free.userId, playId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: await playEventId(free.userId, playId, "started"),
      type: "tunec.playback.playback-started.v1",
      topic: "tunec.playback",
      key: free.userId,
      data: { playId, userId: free.userId, trackId: track.trackId, quality: "standard", deviceId: free.sessionId, premium: false, startPositionMs: 0 },
    });
  });

  it("refuses a play id reused for another quality (409)", async () => {
    const playId = crypto.randomUUID();
    await stream(viaSelf, premium, track.trackId, `play_id=${playId}`);
    const reused = await viaSelf(`/stream/${track.trackId}?play_id=${playId}&quality=standard`, { headers: bearer(premium.token) });
    expect(reused.status).toBe(409);
  });

  it("records PlaybackFinished once with the position reached, clamped to the track", async () => {
    const { play_id: playId } = await stream(viaSelf, premium, track.trackId);
    const finish = (positionMs: number) =>
      viaSelf(`/plays/${playId}/finish`, {
        method: "POST",
        headers: { ...bearer(premium.token), "content-type": "application/json" },
        body: JSON.stringify({ position_ms: positionMs }),
      });
    const first = await finish(95_000);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ play_id: playId, track_id: track.trackId, position_ms: 95_000, completed: false });
    // A repeat answers the first report and adds nothing.
    expect(await (await finish(180_000)).json()).toMatchObject({ position_ms: 95_000, completed: false });
    const rows = await relayedOutboxRows(premium.userId, playId, 2);
    expect(rows.map((row) => row.type)).toEqual(["tunec.playback.playback-started.v1", "tunec.playback.playback-finished.v1"]);
    expect(rows[1]?.data).toMatchObject({ playId, positionMs: 95_000, trackDurationMs: track.durationMs, completed: false, quality: "high", premium: true });

    const { play_id: other } = await stream(viaSelf, premium, track.trackId);
    const past = await viaSelf(`/plays/${other}/finish`, {
      method: "POST",
      headers: { ...bearer(premium.token), "content-type": "application/json" },
      body: JSON.stringify({ position_ms: 999_999 }),
    });
    expect(await past.json()).toMatchObject({ position_ms: track.durationMs, completed: true });
  });

  it("answers 404 for finishing someone else's or an unknown play, 400 for a bad body, 401 without a token", async () => {
    const { play_id: playId } = await stream(viaSelf, premium, track.trackId);
    const post = (id: string, body: unknown, headers: Record<string, string> = bearer(free.token)) =>
      viaSelf(`/plays/${id}/finish`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await post(playId, { position_ms: 1000 })).status).toBe(404);
    expect((await post(crypto.randomUUID(), { position_ms: 1000 })).status).toBe(404);
    expect((await post(playId, { position_ms: -1 }, bearer(premium.token))).status).toBe(400);
    expect((await post(playId, { position_ms: 1000 }, {})).status).toBe(401);
    expect(await relayedOutboxRows(premium.userId, playId)).toHaveLength(1);
  });

  it("lets a second device take the stream over; the first device's next media request is refused", async () => {
    const listener = await signUpListener(viaSelf, false);
    const tv = await signInAs(viaSelf, listener.email, "tv");
    const onPhone = await stream(viaSelf, listener, track.trackId);
    expect((await viaSelf(onPhone.url, { headers: { range: "bytes=0-99" } })).status).toBe(206);

    const onTv = await stream(viaSelf, tv, track.trackId);
    expect(onTv.taken_over).toBe(true);
    const cut = await viaSelf(onPhone.url, { headers: { range: "bytes=100-199" } });
    expect(cut.status).toBe(409);
    expect(cut.headers.get("content-type")).toBe("application/problem+json");
    expect(await cut.json<Problem>()).toMatchObject({ type: "https://tunec.dev/problems/stream-taken-over", status: 409 });
    expect((await viaSelf(onTv.url, { headers: { range: "bytes=100-199" } })).status).toBe(206);

    // The same device starting another track keeps its lease; the phone takes it back by playing again.
    const again = await stream(viaSelf, tv, track.trackId);
    expect(again.taken_over).toBe(false);
    expect((await viaSelf(onTv.url, { method: "HEAD" })).status).toBe(200);
    const back = await stream(viaSelf, listener, track.trackId);
    expect(back.taken_over).toBe(true);
    expect((await viaSelf(onTv.url, { method: "HEAD" })).status).toBe(409);
  });
});
