import { describe, expect, it } from "vitest";
import { SIGNAL_WEIGHTS } from "../../shared/recs/signals.ts";
import { addTracks, call, createPlaylist, expectJson, signUpUser, type User, withDb } from "../users/testing.ts";

interface WaveTrack {
  id: string;
  artists: Array<{ id: string }>;
  genres: string[];
  explicit: boolean;
  reason: { code: string; params: Record<string, string>; text: string };
}

const tag = () => crypto.randomUUID().slice(0, 8);

/** `artists` artists of one genre and language, `perArtist` published tracks each. */
async function seedGenre(genre: string, language: string, artists: number, perArtist: number, explicit = false) {
  return withDb(async (db) => {
    const out: Array<{ id: string; artistId: string }> = [];
    for (let a = 0; a < artists; a += 1) {
      const artist = await db
        .insertInto("catalog.artists")
        .values({ name: `${genre} artist ${a}` })
        .returning("id")
        .executeTakeFirstOrThrow();
      const rows = await db
        .insertInto("catalog.tracks")
        .values(
          Array.from({ length: perArtist }, (_, index) => ({
            title: `${genre} ${a}.${index}`,
            artist_id: artist.id,
            duration_ms: 200_000,
            status: "published" as const,
            published_at: new Date(),
            genres: [genre],
            language,
            explicit,
          })),
        )
        .returning("id")
        .execute();
      out.push(...rows.map((row) => ({ id: row.id, artistId: artist.id })));
    }
    return out;
  });
}

/** Neighbours within a group (every track's others, in a fixed order) and the group's popularity segment. */
async function seedModel(group: Array<{ id: string }>, segment: string) {
  await withDb(async (db) => {
    await db
      .insertInto("recs.track_neighbors")
      .values(
        group.flatMap((track) =>
          group
            .filter((other) => other.id !== track.id)
            .slice(0, 20)
            .map((other, rank) => ({ track_id: track.id, rank, neighbor_id: other.id, score: 1 - rank / 40 })),
        ),
      )
      .execute();
    await db.deleteFrom("recs.popular_tracks").where("segment", "=", segment).execute();
    await db
      .insertInto("recs.popular_tracks")
      .values(group.map((track, rank) => ({ segment, rank, track_id: track.id, score: 100 - rank })))
      .execute();
  });
}

/** Overall popularity: `hits` outrank everything (what a cold or exploring listener is offered). */
async function seedOverall(hits: Array<{ id: string }>) {
  await withDb(async (db) => {
    await db.deleteFrom("recs.popular_tracks").where("segment", "=", "all").execute();
    await db
      .insertInto("recs.popular_tracks")
      .values(hits.map((track, rank) => ({ segment: "all", rank, track_id: track.id, score: 1000 - rank })))
      .execute();
  });
}

async function signals(user: User, trackIds: string[], kinds: Array<"play" | "complete" | "like">) {
  await withDb(async (db) => {
    await db
      .insertInto("recs.interactions")
      .values(
        trackIds.flatMap((trackId) =>
          kinds.map((signal) => ({
            event_id: crypto.randomUUID(),
            account_id: user.userId,
            track_id: trackId,
            signal,
            weight: SIGNAL_WEIGHTS[signal],
            occurred_at: new Date(),
          })),
        ),
      )
      .execute();
  });
}

const wave = async (user: User, limit: number) => (await expectJson<{ tracks: WaveTrack[] }>(call("GET", `/me/wave?limit=${limit}`, { user }), 200)).tracks;

/** A Russian-rock world with a louder pop world beside it; fresh per test so tests do not share state. */
async function world() {
  const rock = `rusrock-${tag()}`;
  const pop = `pop-${tag()}`;
  const rockTracks = await seedGenre(rock, "ru", 3, 5);
  const popTracks = await seedGenre(pop, "en", 3, 5);
  await seedModel(rockTracks, `genre:${rock}`);
  await seedModel(popTracks, `genre:${pop}`);
  await seedOverall([...popTracks, ...rockTracks]);
  return { rock, pop, rockTracks, popTracks };
}

describe("the wave", () => {
  it("gives a listener who plays and likes Russian rock mostly Russian rock, with reasons, never twice in a session", async () => {
    const { rock, rockTracks } = await world();
    const user = await signUpUser();
    await signals(user, [rockTracks[0]?.id ?? "", rockTracks[5]?.id ?? "", rockTracks[10]?.id ?? ""], ["play", "complete", "like"]);
    const first = await wave(user, 10);
    expect(first).toHaveLength(10);
    expect(first.filter((track) => track.genres.includes(rock)).length).toBeGreaterThanOrEqual(7);
    expect(first.some((track) => track.reason.code === "liked_similar" && track.reason.text.startsWith("Because you liked"))).toBe(true);
    const second = await wave(user, 10);
    const ids = [...first, ...second].map((track) => track.id);
    expect(new Set(ids).size).toBe(ids.length);
    // The reasons are localised by Accept-Language.
    const ru = await expectJson<{ tracks: WaveTrack[] }>(
      (async () => {
        const { SELF } = await import("cloudflare:test");
        return SELF.fetch("https://tunec.test/me/wave?limit=3", { headers: { authorization: `Bearer ${user.token}`, "accept-language": "ru" } });
      })(),
      200,
    );
    expect(ru.tracks.every((track) => /[а-я]/i.test(track.reason.text))).toBe(true);
  }, 30_000);

  it("removes a disliked track at once and pushes its artist back, counting a repeated dislike once", async () => {
    const { rockTracks } = await world();
    const seeds = [rockTracks[0]?.id ?? "", rockTracks[5]?.id ?? "", rockTracks[10]?.id ?? ""];
    const [disliking, control] = [await signUpUser(), await signUpUser()];
    for (const user of [disliking, control]) await signals(user, seeds, ["play", "complete", "like"]);
    const [firstDisliking, firstControl] = [await wave(disliking, 3), await wave(control, 3)];
    const target = firstDisliking[0];
    if (!target) throw new Error("empty wave");
    const artistId = target.artists[0]?.id;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await expectJson(call("POST", "/me/wave/feedback", { user: disliking, body: { track_id: target.id, action: "dislike" } }), 204);
    }
    expect(firstControl.map((track) => track.id)).toContain(target.id);
    const [nextDisliking, nextControl] = [await wave(disliking, 6), await wave(control, 6)];
    const byArtist = (tracks: WaveTrack[]) => tracks.filter((track) => track.artists[0]?.id === artistId).length;
    expect(byArtist(nextDisliking)).toBeLessThan(byArtist(nextControl));
    const recorded = await withDb((db) =>
      db.selectFrom("recs.interactions").select("signal").where("account_id", "=", disliking.userId).where("signal", "=", "wave_dislike").execute(),
    );
    expect(recorded).toHaveLength(1);
    // Hidden everywhere, also in a new session (the served set is forgotten, the dislike is not).
    await withDb((db) => db.deleteFrom("recs.wave_sessions").where("account_id", "=", disliking.userId).execute());
    const fresh = [...(await wave(disliking, 50))];
    expect(fresh.map((track) => track.id)).not.toContain(target.id);
  }, 30_000);

  it("gives a brand-new listener the chosen genres' popularity at once, and overall popularity without a choice", async () => {
    const { rock, pop } = await world();
    const chooser = await signUpUser();
    await expectJson(call("PUT", "/me/taste", { user: chooser, body: { artist_ids: [], genres: [rock] } }), 204);
    // An artist that does not exist is the caller's mistake, answered as such and not stored.
    const unknown = await call("PUT", "/me/taste", { user: chooser, body: { artist_ids: [crypto.randomUUID()], genres: [rock] } });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ field: "body.artist_ids" }] });
    const chosen = await wave(chooser, 10);
    expect(chosen.filter((track) => track.genres.includes(rock)).length).toBeGreaterThanOrEqual(7);
    expect(chosen.some((track) => track.reason.code === "genre_popular" && track.reason.params.genre === rock)).toBe(true);
    const newcomer = await signUpUser();
    const cold = await wave(newcomer, 5);
    expect(cold).toHaveLength(5);
    expect(cold.every((track) => track.reason.code === "popular" && track.genres.includes(pop))).toBe(true);
  }, 30_000);

  it("never serves a taken-down track, nor an explicit one when the listener turned them off", async () => {
    const { rockTracks } = await world();
    const explicit = await seedGenre(`explicit-${tag()}`, "ru", 1, 3, true);
    const user = await signUpUser();
    await signals(user, [rockTracks[0]?.id ?? ""], ["play", "complete", "like"]);
    const taken = rockTracks[1]?.id ?? "";
    await withDb(async (db) => {
      await db.updateTable("catalog.tracks").set({ status: "taken_down" }).where("id", "=", taken).execute();
      // The explicit tracks are the strongest neighbours of the liked track.
      await db
        .deleteFrom("recs.track_neighbors")
        .where("track_id", "=", rockTracks[0]?.id ?? "")
        .execute();
      await db
        .insertInto("recs.track_neighbors")
        .values(
          [...explicit, { id: taken }, ...rockTracks.slice(2)].map((track, rank) => ({
            track_id: rockTracks[0]?.id ?? "",
            rank,
            neighbor_id: track.id,
            score: 1,
          })),
        )
        .execute();
    });
    await expectJson(call("PUT", "/me/taste", { user, body: { artist_ids: [], genres: [], allow_explicit: false } }), 204);
    const served = await wave(user, 50);
    expect(served.length).toBeGreaterThan(5);
    expect(served.map((track) => track.id)).not.toContain(taken);
    expect(served.some((track) => track.explicit)).toBe(false);
  }, 30_000);
});

describe("similar tracks and artists", () => {
  it("never contain the item itself, and fall back to the same artist and genre without neighbours", async () => {
    const { rockTracks } = await world();
    const [first, lonely] = [rockTracks[0]?.id ?? "", rockTracks[14]?.id ?? ""];
    // A model that (wrongly) lists the track as its own neighbour.
    await withDb(async (db) => {
      await db.deleteFrom("recs.track_neighbors").where("track_id", "in", [first, lonely]).execute();
      await db.insertInto("recs.track_neighbors").values({ track_id: first, rank: 0, neighbor_id: first, score: 1 }).execute();
    });
    const similar = await expectJson<{ tracks: WaveTrack[] }>(call("GET", `/tracks/${first}/similar?limit=10`), 200);
    expect(similar.tracks.length).toBeGreaterThan(0);
    expect(similar.tracks.map((track) => track.id)).not.toContain(first);
    const fallback = await expectJson<{ tracks: WaveTrack[] }>(call("GET", `/tracks/${lonely}/similar?limit=5`), 200);
    expect(fallback.tracks).toHaveLength(5);
    expect(fallback.tracks.map((track) => track.id)).not.toContain(lonely);
    // Same artist first.
    expect(fallback.tracks[0]?.artists[0]?.id).toBe(rockTracks[14]?.artistId);
    const artistId = rockTracks[0]?.artistId ?? "";
    const artists = await expectJson<{ artists: Array<{ id: string }> }>(call("GET", `/artists/${artistId}/similar`), 200);
    expect(artists.artists.length).toBe(2);
    expect(artists.artists.map((artist) => artist.id)).not.toContain(artistId);
    await expectJson(call("GET", `/tracks/${crypto.randomUUID()}/similar`), 404);
  }, 30_000);
});

describe("daily mixes", () => {
  it("builds a mix per taste genre once a day", async () => {
    const { rock, rockTracks } = await world();
    const user = await signUpUser();
    await signals(user, [rockTracks[0]?.id ?? ""], ["play", "complete", "like"]);
    const first = await expectJson<{ mixes: Array<{ id: string; genre: string | null; tracks: WaveTrack[] }> }>(call("GET", "/me/mixes", { user }), 200);
    expect(first.mixes[0]?.genre).toBe(rock);
    expect(first.mixes[0]?.tracks.length).toBeGreaterThan(5);
    const again = await expectJson<{ mixes: Array<{ id: string; tracks: WaveTrack[] }> }>(call("GET", "/me/mixes", { user }), 200);
    expect(again.mixes.map((mix) => mix.tracks.map((track) => track.id))).toEqual(first.mixes.map((mix) => mix.tracks.map((track) => track.id)));
  }, 30_000);
});

describe("the signals the users context publishes", () => {
  it("publishes TrackLiked, TrackUnliked and PlaylistTrackAdded through the outbox, once per change", async () => {
    const { rockTracks } = await world();
    const user = await signUpUser();
    const [liked, added] = [rockTracks[0]?.id ?? "", rockTracks[1]?.id ?? ""];
    for (let attempt = 0; attempt < 2; attempt += 1) await expectJson(call("PUT", `/me/likes/track/${liked}`, { user }), 204);
    for (let attempt = 0; attempt < 2; attempt += 1) await expectJson(call("DELETE", `/me/likes/track/${liked}`, { user }), 204);
    const playlist = await createPlaylist(user);
    await addTracks(user, playlist, [added, liked]);
    const events = await withDb((db) =>
      db.selectFrom("events.outbox").select(["type", "topic", "event"]).where("key", "=", user.userId).orderBy("seq").execute(),
    );
    // Sign-up publishes its own events (account mail, profile); only the three of this test are asked for.
    const ours = events.filter((row) => row.type.startsWith("tunec.users.") && row.type !== "tunec.users.user-updated.v1");
    expect(ours.map((row) => row.type)).toEqual(["tunec.users.track-liked.v1", "tunec.users.track-unliked.v1", "tunec.users.playlist-track-added.v1"]);
    expect(ours.every((row) => row.topic === "tunec.users")).toBe(true);
    expect((ours[2]?.event as { data: { trackIds: string[] } }).data.trackIds).toEqual([added, liked]);
  }, 30_000);

  it("publishes AlbumLiked, ArtistLiked and their unlikes through the outbox, once per change", async () => {
    const { rockTracks } = await world();
    const user = await signUpUser();
    const artistId = rockTracks[0]?.artistId ?? "";
    const album = await withDb((db) =>
      db.insertInto("catalog.albums").values({ title: "Группа крови", artist_id: artistId }).returning("id").executeTakeFirstOrThrow(),
    );
    for (const [kind, id] of [
      ["album", album.id],
      ["artist", artistId],
    ] as const) {
      for (let attempt = 0; attempt < 2; attempt += 1) await expectJson(call("PUT", `/me/likes/${kind}/${id}`, { user }), 204);
      for (let attempt = 0; attempt < 2; attempt += 1) await expectJson(call("DELETE", `/me/likes/${kind}/${id}`, { user }), 204);
    }
    const events = await withDb((db) => db.selectFrom("events.outbox").select(["type", "event"]).where("key", "=", user.userId).orderBy("seq").execute());
    const ours = events.filter((row) => row.type.startsWith("tunec.users.") && row.type !== "tunec.users.user-updated.v1");
    expect(ours.map((row) => row.type)).toEqual([
      "tunec.users.album-liked.v1",
      "tunec.users.album-unliked.v1",
      "tunec.users.artist-liked.v1",
      "tunec.users.artist-unliked.v1",
    ]);
    expect(ours.map((row) => (row.event as { data: { albumId?: string; artistId?: string } }).data)).toMatchObject([
      { albumId: album.id },
      { albumId: album.id },
      { artistId },
      { artistId },
    ]);
  }, 30_000);
});
