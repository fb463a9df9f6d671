import { beforeAll, describe, expect, it } from "vitest";
import { call, expectJson, seedPublishedTracks, signUpUser, withDb, type User } from "./testing.ts";

interface LikePage {
  likes: Array<{ kind: string; id: string; liked_at: string }>;
  next_cursor: string | null;
}

describe("likes in workerd", () => {
  let user: User;
  let other: User;
  let tracks: string[];
  let albumId: string;
  let artistId: string;
  beforeAll(async () => {
    [user, other] = await Promise.all([signUpUser(), signUpUser()]);
    tracks = await seedPublishedTracks(3);
    ({ albumId, artistId } = await withDb(async (db) => {
      const track = await db
        .selectFrom("catalog.tracks")
        .select("artist_id")
        .where("id", "=", tracks[0] ?? "")
        .executeTakeFirstOrThrow();
      const album = await db
        .insertInto("catalog.albums")
        .values({ title: "Likes album", artist_id: track.artist_id })
        .returning("id")
        .executeTakeFirstOrThrow();
      return { albumId: album.id, artistId: track.artist_id };
    }));
  });

  it("likes tracks, an album and an artist idempotently and lists them newest first in pages", async () => {
    const liked = [...tracks.map((id) => ["track", id] as const), ["album", albumId] as const, ["artist", artistId] as const];
    for (const [kind, id] of liked) expect((await call("PUT", `/me/likes/${kind}/${id}`, { user })).status).toBe(204);
    expect((await call("PUT", `/me/likes/track/${tracks[0]}`, { user })).status).toBe(204);
    const seen: Array<[string, string]> = [];
    let cursor: string | null = null;
    do {
      const page: LikePage = await expectJson<LikePage>(call("GET", `/me/likes?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { user }), 200);
      seen.push(...page.likes.map((like) => [like.kind, like.id] as [string, string]));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...liked].reverse());
    const onlyTracks = await expectJson<LikePage>(call("GET", "/me/likes?kind=track", { user }), 200);
    expect(onlyTracks.likes.map((like) => like.id)).toEqual([...tracks].reverse());
    // Another user's likes are theirs alone.
    expect((await expectJson<LikePage>(call("GET", "/me/likes", { user: other }), 200)).likes).toEqual([]);
  });

  it("unlikes idempotently", async () => {
    const trackId = tracks[2] ?? "";
    expect((await call("DELETE", `/me/likes/track/${trackId}`, { user })).status).toBe(204);
    expect((await call("DELETE", `/me/likes/track/${trackId}`, { user })).status).toBe(204);
    const page = await expectJson<LikePage>(call("GET", "/me/likes?kind=track", { user }), 200);
    expect(page.likes.map((like) => like.id)).not.toContain(trackId);
  });

  it("refuses unknown targets, bad kinds and foreign cursors", async () => {
    expect((await call("PUT", `/me/likes/track/${crypto.randomUUID()}`, { user })).status).toBe(404);
    expect((await call("PUT", `/me/likes/album/${tracks[0]}`, { user })).status).toBe(404);
    expect((await call("PUT", `/me/likes/playlist/${tracks[0]}`, { user })).status).toBe(400);
    expect((await call("PUT", "/me/likes/track/not-a-uuid", { user })).status).toBe(400);
    const page = await expectJson<LikePage>(call("GET", "/me/likes?kind=track&limit=1", { user }), 200);
    expect((await call("GET", `/me/likes?kind=album&cursor=${page.next_cursor}`, { user })).status).toBe(400);
    expect((await call("GET", "/me/likes?cursor=bogus", { user })).status).toBe(400);
    expect((await call("GET", "/me/likes")).status).toBe(401);
  });
});
