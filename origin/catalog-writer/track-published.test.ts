import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEvent } from "../../shared/events/build.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { applyTrackPublished } from "./track-published.ts";

function published(input: { artistId: string; releaseId: string | null; position: number | null; coverObjectKey?: string }) {
  const trackId = crypto.randomUUID();
  return buildEvent({
    type: "tunec.ingestion.track-published.v1",
    source: "/tunec/ingestion",
    data: {
      uploadId: crypto.randomUUID(),
      trackId,
      artistId: input.artistId,
      uploadedBy: crypto.randomUUID(),
      title: `Трек ${trackId.slice(0, 4)}`,
      featuredArtistIds: [],
      albumId: input.releaseId,
      position: input.position,
      durationMs: 180_000,
      explicit: false,
      genres: ["rock"],
      language: "ru",
      isrc: null,
      loudnessLufs: -14,
      coverObjectKey: input.coverObjectKey ?? null,
      renditions: [
        { quality: "standard", objectKey: `tracks/${trackId}/standard.m4a`, codec: "aac", mimeType: "audio/mp4", bitrateKbps: 128, sizeBytes: 1000 },
      ],
      publishedAt: new Date().toISOString(),
    },
  }).event;
}

describe.each(databaseKinds())("catalog writer: tracks land in their release on %s", (kind) => {
  let database: TestDatabase;
  const logger = createLogger({ service: "catalog-writer-test" }, "error");
  const apply = (event: ReturnType<typeof published>) => database.db.transaction().execute((trx) => applyTrackPublished(event, trx, { logger }));
  const placement = (trackId: string) =>
    database.db.selectFrom("catalog.tracks").select(["album_id", "position", "status"]).where("id", "=", trackId).executeTakeFirstOrThrow();

  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function release(title = "Группа крови") {
    const artist = await database.db.insertInto("catalog.artists").values({ name: "Кино" }).returning("id").executeTakeFirstOrThrow();
    const album = await database.db.insertInto("catalog.albums").values({ title, artist_id: artist.id, kind: "ep" }).returning("id").executeTakeFirstOrThrow();
    return { artistId: artist.id, releaseId: album.id };
  }

  it("stores the track at the release and position its upload named; a redelivery changes nothing", async () => {
    const { artistId, releaseId } = await release();
    const event = published({ artistId, releaseId, position: 2, coverObjectKey: "tracks/x/cover.jpg" });
    await apply(event);
    await apply(event);
    expect(await placement(event.data.trackId)).toEqual({ album_id: releaseId, position: 2, status: "published" });
    expect(await database.db.selectFrom("catalog.albums").select("cover_key").where("id", "=", releaseId).executeTakeFirstOrThrow()).toEqual({
      cover_key: "tracks/x/cover.jpg",
    });
  });

  it("a position taken meanwhile (or none named) puts the track after the last one instead of failing the event", async () => {
    const { artistId, releaseId } = await release();
    const first = published({ artistId, releaseId, position: 1 });
    const clash = published({ artistId, releaseId, position: 1 });
    const unnumbered = published({ artistId, releaseId, position: null });
    for (const event of [first, clash, unnumbered]) await apply(event);
    expect(await placement(first.data.trackId)).toMatchObject({ album_id: releaseId, position: 1 });
    expect(await placement(clash.data.trackId)).toMatchObject({ album_id: releaseId, position: 2 });
    expect(await placement(unnumbered.data.trackId)).toMatchObject({ album_id: releaseId, position: 3 });
  });

  it("a release that is gone or another artist's is not joined: the track is stored on its own", async () => {
    const mine = await release();
    const theirs = await release("Чужой");
    const foreign = published({ artistId: mine.artistId, releaseId: theirs.releaseId, position: 1 });
    const missing = published({ artistId: mine.artistId, releaseId: crypto.randomUUID(), position: 1 });
    for (const event of [foreign, missing]) await apply(event);
    expect(await placement(foreign.data.trackId)).toEqual({ album_id: null, position: null, status: "published" });
    expect(await placement(missing.data.trackId)).toEqual({ album_id: null, position: null, status: "published" });
  });
});
