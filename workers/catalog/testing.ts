/** Test support for the catalog and search suites in workerd: a seeded catalog with its search documents. */
import { env, SELF } from "cloudflare:test";
import { sql } from "kysely";
import { addTerms, refreshArtistsAndAlbums, upsertTrackDocuments } from "../../origin/indexer/documents.ts";
import { createEdgeDatabase } from "../platform/edge-database.ts";

export interface SeededCatalog {
  /** A word unique to this seeding, in every name: searches for it see only these rows. */
  tag: string;
  artistId: string;
  featuredId: string;
  albumId: string;
  /** Published album tracks in album order (position 1, then 3: position 2 is the draft). */
  albumTrackIds: string[];
  draftId: string;
  singleId: string;
}

export function get(path: string): Promise<Response> {
  return SELF.fetch(`https://tunec.test${path}`);
}

/** Artist «Кино <tag>» with an album of three tracks (one a draft), a single with a featured artist, and plays. */
export async function seedCatalog(): Promise<SeededCatalog> {
  const tag = `zq${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`.replace(/[0-9]/g, (d) => "abcdefghij"[Number(d)] ?? "a");
  const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
  try {
    const artist = await db
      .insertInto("catalog.artists")
      .values({ name: `Кино ${tag}`, image_key: `artists/${tag}.jpg` })
      .returning("id")
      .executeTakeFirstOrThrow();
    const featured = await db
      .insertInto("catalog.artists")
      .values({ name: `Zemfira ${tag}` })
      .returning("id")
      .executeTakeFirstOrThrow();
    const album = await db
      .insertInto("catalog.albums")
      .values({ title: `Группа крови ${tag}`, artist_id: artist.id, release_date: "1988-01-04", cover_key: `covers/${tag} 1.jpg` })
      .returning("id")
      .executeTakeFirstOrThrow();
    const track = (title: string, position: number | null, status: "published" | "draft", minute: number, explicit = false) => ({
      title: `${title} ${tag}`,
      artist_id: artist.id,
      album_id: position ? album.id : null,
      position,
      duration_ms: 200_000 + minute,
      explicit,
      genres: position ? ["rock", "post-punk"] : ["pop"],
      language: "ru",
      isrc: "SUA018800001",
      status,
      published_at: status === "published" ? new Date(Date.UTC(2024, 0, 1, 0, minute)) : null,
    });
    const rows = await db
      .insertInto("catalog.tracks")
      // Inserted out of album order on purpose.
      .values([
        track("Спокойная ночь", 3, "published", 3),
        track("Группа крови", 1, "published", 1),
        track("Закрой за мной дверь", 2, "draft", 2),
        track("Хочешь", null, "published", 4, true),
      ])
      .returning(["id", "position"])
      .execute();
    const byPosition = (position: number | null) => rows.find((row) => row.position === position)?.id ?? "";
    const singleId = byPosition(null);
    await db.insertInto("catalog.track_artists").values({ track_id: singleId, artist_id: featured.id, role: "featured", position: 1 }).execute();
    await db
      .insertInto("catalog.track_stats")
      .values([
        { track_id: singleId, plays: 500, popularity: 500 },
        { track_id: byPosition(3), plays: 50, popularity: 50 },
      ])
      .execute();
    const ids = rows.map((row) => row.id);
    const changed = await upsertTrackDocuments(db, sql`(select * from catalog.tracks where id = any(${sql.val(ids)}::uuid[]))`);
    await addTerms(db, changed);
    await refreshArtistsAndAlbums(db, [artist.id, featured.id], [album.id]);
    return {
      tag,
      artistId: artist.id,
      featuredId: featured.id,
      albumId: album.id,
      albumTrackIds: [byPosition(1), byPosition(3)],
      draftId: byPosition(2),
      singleId,
    };
  } finally {
    await db.destroy();
  }
}
