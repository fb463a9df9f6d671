/**
 * A small catalog in both scripts for search quality tests: Cyrillic names
 * found by Latin queries and the other way round, near-miss distractors
 * («Кинозвезда», «Кино о любви»), and a draft that must never show.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";

interface SeedAlbum {
  title: string;
  tracks: string[];
}

interface SeedArtist {
  name: string;
  albums?: SeedAlbum[];
  singles?: string[];
  popularity: number;
}

const artists: SeedArtist[] = [
  {
    name: "Кино",
    popularity: 900,
    albums: [
      { title: "Группа крови", tracks: ["Группа крови", "Закрой за мной дверь, я ухожу", "Спокойная ночь"] },
      { title: "Звезда по имени Солнце", tracks: ["Звезда по имени Солнце", "Пачка сигарет"] },
    ],
  },
  { name: "Zemfira", popularity: 700, singles: ["Iskala", "Хочешь?", "Ariva"] },
  { name: "Сплин", popularity: 400, singles: ["Выхода нет", "Орбит без сахара"] },
  {
    name: "Queen",
    popularity: 1000,
    albums: [{ title: "A Night at the Opera", tracks: ["Bohemian Rhapsody", "Love of My Life"] }],
    singles: ["We Will Rock You"],
  },
  { name: "Radiohead", popularity: 800, singles: ["Creep", "Karma Police"] },
  { name: "Мумий Тролль", popularity: 300, singles: ["Владивосток 2000", "Утекай"] },
  { name: "Алла Пугачёва", popularity: 600, singles: ["Миллион алых роз"] },
  { name: "Noize MC", popularity: 200, singles: ["Вселенная бесконечна?"] },
  // Distractors: share a prefix or a word with the queries above.
  { name: "Кинозвезда", popularity: 5000, singles: ["Ночь кино"] },
  { name: "Ансамбль «Берёзка»", popularity: 50, singles: ["Кино о любви", "Звёздная ночь", "東京"] },
];

export interface QualityCatalog {
  artistIds: Map<string, string>;
  albumIds: Map<string, string>;
  trackIds: Map<string, string>;
  draftTrackId: string;
}

/** Inserts the catalog (published tracks, plays as popularity) and returns ids by name. */
export async function seedQualityCatalog(db: Kysely<Database>): Promise<QualityCatalog> {
  const artistIds = new Map<string, string>();
  const albumIds = new Map<string, string>();
  const trackIds = new Map<string, string>();
  const publishedAt = new Date("2024-01-01T00:00:00Z");
  let n = 0;
  const addTrack = async (title: string, artistId: string, popularity: number, album?: { id: string; position: number }) => {
    n += 1;
    const track = await db
      .insertInto("catalog.tracks")
      .values({
        title,
        artist_id: artistId,
        album_id: album?.id ?? null,
        position: album?.position ?? null,
        duration_ms: 180_000 + n * 1_000,
        genres: ["rock"],
        language: /[а-яё]/i.test(title) ? "ru" : "en",
        status: "published",
        published_at: new Date(publishedAt.getTime() + n * 60_000),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db.insertInto("catalog.track_stats").values({ track_id: track.id, plays: popularity, popularity }).execute();
    trackIds.set(title, track.id);
  };
  for (const artist of artists) {
    const { id } = await db.insertInto("catalog.artists").values({ name: artist.name }).returning("id").executeTakeFirstOrThrow();
    artistIds.set(artist.name, id);
    for (const album of artist.albums ?? []) {
      const row = await db
        .insertInto("catalog.albums")
        .values({ title: album.title, artist_id: id, release_date: "1988-01-01", cover_key: `covers/${crypto.randomUUID()}.jpg` })
        .returning("id")
        .executeTakeFirstOrThrow();
      albumIds.set(album.title, row.id);
      for (const [index, title] of album.tracks.entries()) await addTrack(title, id, artist.popularity - index, { id: row.id, position: index + 1 });
    }
    for (const [index, title] of (artist.singles ?? []).entries()) await addTrack(title, id, artist.popularity - index);
  }
  const kino = artistIds.get("Кино") ?? "";
  const draft = await db
    .insertInto("catalog.tracks")
    .values({ title: "Кино: неизданное", artist_id: kino, duration_ms: 100_000, status: "draft" })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { artistIds, albumIds, trackIds, draftTrackId: draft.id };
}
