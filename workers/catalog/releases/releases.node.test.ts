/**
 * A release edit reaches search the way an admin's SQL does: the catalog
 * write is captured as TrackUpdated (trigger-mode CDC here) and the indexer
 * rebuilds the documents from the catalog.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installCaptureTriggers } from "../../../origin/cdc/trigger/capture-triggers.ts";
import { applyTrackUpdated } from "../../../origin/indexer/apply.ts";
import { trackUpdatedV1 } from "../../../shared/events/track-events.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../../shared/testing/test-database.ts";
import { addArtistManager } from "../artist-managers.ts";
import { createRelease, reorderTracks, updateRelease } from "./releases.ts";

describe.each(databaseKinds())("release edits reach search through CDC on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await installCaptureTriggers(database.db);
  });
  afterAll(async () => {
    await database?.drop();
  });

  const applied = new Set<string>();
  /** Applies the TrackUpdated events captured since the last call to the search model, as the indexer does; returns their track ids. */
  async function index(): Promise<string[]> {
    const rows = await database.db
      .selectFrom("events.outbox")
      .select(["id", "key", "event"])
      .where("type", "=", trackUpdatedV1.type)
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    const fresh = rows.filter((row) => !applied.has(row.id));
    for (const row of fresh) {
      applied.add(row.id);
      await applyTrackUpdated(database.db, trackUpdatedV1.schema.parse((row.event as { data: unknown }).data));
    }
    return fresh.map((row) => row.key);
  }

  it("title, type and order changes become TrackUpdated; the album and track documents follow", async () => {
    const db = database.db;
    const userId = crypto.randomUUID();
    const artist = await db.insertInto("catalog.artists").values({ name: "Кино" }).returning("id").executeTakeFirstOrThrow();
    await addArtistManager(db, { artistId: artist.id, userId, addedBy: null });
    const release = await createRelease(db, { artistId: artist.id, title: "Начальник камчатки", type: "album", releaseDate: "1984-01-01", genres: ["rock"] });
    const tracks = await db
      .insertInto("catalog.tracks")
      .values(
        ["Видели ночь", "Последний герой"].map((title, index) => ({
          title,
          artist_id: artist.id,
          album_id: release.id,
          position: index + 1,
          duration_ms: 1000,
          status: "published" as const,
          published_at: new Date(),
        })),
      )
      .returning("id")
      .execute();
    await index();
    expect(await db.selectFrom("search.albums").select(["title", "kind", "track_count"]).where("id", "=", release.id).executeTakeFirst()).toEqual({
      title: "Начальник камчатки",
      kind: "album",
      track_count: 2,
    });

    await updateRelease(db, { userId, id: release.id, edit: { title: "Ночь", type: "ep" } });
    expect((await index()).sort()).toEqual(tracks.map((track) => track.id).sort());
    expect(await db.selectFrom("search.albums").select(["title", "kind"]).where("id", "=", release.id).executeTakeFirst()).toEqual({
      title: "Ночь",
      kind: "ep",
    });
    expect(
      await db
        .selectFrom("search.tracks")
        .select("album_title")
        .where(
          "id",
          "in",
          tracks.map((track) => track.id),
        )
        .execute(),
    ).toEqual([{ album_title: "Ночь" }, { album_title: "Ночь" }]);

    const [first, second] = tracks.map((track) => track.id) as [string, string];
    await reorderTracks(db, { userId, id: release.id, trackIds: [second, first] });
    expect((await index()).sort()).toEqual([first, second].sort());

    // A stranger's edit is refused before anything is written.
    await expect(updateRelease(db, { userId: crypto.randomUUID(), id: release.id, edit: { title: "Hijacked" } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await index()).toEqual([]);
  });
});
