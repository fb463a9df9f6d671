/**
 * `npm run catalog:generate -- --tracks 1000000 [--seed 1] [--no-reindex]`:
 * a large synthetic catalog with Russian and English names (word lists in
 * catalog-generate-words.ts, seeded: one seed, one catalog), bulk-loaded with
 * multi-row INSERT … SELECT FROM unnest(arrays) in batches of 10,000 (one
 * round trip and one plan per batch, no extra driver), then reindexed.
 * Writes to DATABASE_URL (or the embedded database): use a database of its own.
 */
import { parseArgs } from "node:util";
import { sql, type Kysely } from "kysely";
import { nodeConfigSchema, parseConfig } from "../shared/config.ts";
import type { Database } from "../shared/db/database.ts";
import { readMigrations } from "../shared/db/migration-files.ts";
import { migrate } from "../shared/db/migrator.ts";
import { createPostgresDatabase } from "../shared/db/postgres.ts";
import { reindex } from "../origin/indexer/reindex.ts";
import { artistName, genresFor, seededRandom, seededUuid, title, type Random } from "./catalog-generate-names.ts";
import { resolveDatabase } from "./database-url.ts";
import { progressBar } from "./progress.ts";

const batchSize = 10_000;
const tracksPerArtist = 50;
const tracksPerAlbum = 10;

interface Artist {
  id: string;
  name: string;
  language: "ru" | "en";
  popularity: number;
}

async function insertArtists(db: Kysely<Database>, random: Random, count: number): Promise<Artist[]> {
  const artists = Array.from({ length: count }, (_, rank) => ({
    id: seededUuid(random),
    ...artistName(random),
    // Zipf-like: a few artists hold most plays.
    popularity: 100_000 / Math.pow(rank + 1, 1.1),
  }));
  for (let start = 0; start < artists.length; start += batchSize) {
    const chunk = artists.slice(start, start + batchSize);
    await sql`insert into catalog.artists (id, name) select * from unnest(${chunk.map((a) => a.id)}::uuid[], ${chunk.map((a) => a.name)}::text[])`.execute(db);
  }
  return artists;
}

interface TrackRows {
  id: string[];
  title: string[];
  artist: string[];
  album: Array<string | null>;
  position: Array<number | null>;
  duration: number[];
  explicit: boolean[];
  genres: string[];
  language: string[];
  status: string[];
  publishedAt: Array<string | null>;
  popularity: number[];
  albums: { id: string[]; title: string[]; artist: string[]; releaseDate: string[] };
}

const emptyRows = (): TrackRows => ({
  id: [],
  title: [],
  artist: [],
  album: [],
  position: [],
  duration: [],
  explicit: [],
  genres: [],
  language: [],
  status: [],
  publishedAt: [],
  popularity: [],
  albums: { id: [], title: [], artist: [], releaseDate: [] },
});

async function flushTracks(db: Kysely<Database>, rows: TrackRows): Promise<void> {
  if (rows.id.length === 0) return;
  const albums = rows.albums;
  await sql`
    insert into catalog.albums (id, title, artist_id, release_date)
    select * from unnest(${albums.id}::uuid[], ${albums.title}::text[], ${albums.artist}::uuid[], ${albums.releaseDate}::date[])`.execute(db);
  await sql`
    insert into catalog.tracks (id, title, artist_id, album_id, position, duration_ms, explicit, genres, language, status, published_at)
    select id, title, artist_id, album_id, position, duration_ms, explicit, string_to_array(genres, ','), language, status, published_at
    from unnest(${rows.id}::uuid[], ${rows.title}::text[], ${rows.artist}::uuid[], ${rows.album}::uuid[], ${rows.position}::int[],
      ${rows.duration}::int[], ${rows.explicit}::bool[], ${rows.genres}::text[], ${rows.language}::text[], ${rows.status}::text[],
      ${rows.publishedAt}::timestamptz[]) as t (id, title, artist_id, album_id, position, duration_ms, explicit, genres, language, status, published_at)`.execute(
    db,
  );
  await sql`
    insert into catalog.track_stats (track_id, plays, popularity)
    select id, round(popularity)::bigint, popularity from unnest(${rows.id}::uuid[], ${rows.popularity}::float8[]) as s (id, popularity)`.execute(db);
}

export async function generateCatalog(db: Kysely<Database>, options: { tracks: number; seed: number; onProgress?: (done: number, total: number) => void }) {
  const random = seededRandom(options.seed);
  const artists = await insertArtists(db, random, Math.max(1, Math.ceil(options.tracks / tracksPerArtist)));
  const now = Date.UTC(2025, 0, 1);
  let rows = emptyRows();
  let albums = 0;
  for (let done = 0; done < options.tracks; ) {
    const artist = artists[Math.floor(Math.pow(random(), 1.5) * artists.length)] ?? artists[0];
    if (!artist) break;
    const albumSize = Math.min(options.tracks - done, 1 + Math.floor(random() * tracksPerAlbum * 2));
    let albumId: string | null = null;
    if (albumSize > 2) {
      albumId = seededUuid(random);
      albums += 1;
      rows.albums.id.push(albumId);
      rows.albums.title.push(title(random, artist.language));
      rows.albums.artist.push(artist.id);
      rows.albums.releaseDate.push(new Date(now - random() * 3e11).toISOString().slice(0, 10));
    }
    for (let position = 1; position <= albumSize; position++, done++) {
      const published = random() > 0.02;
      rows.id.push(seededUuid(random));
      rows.title.push(title(random, random() < 0.9 ? artist.language : artist.language === "ru" ? "en" : "ru"));
      rows.artist.push(artist.id);
      rows.album.push(albumId);
      rows.position.push(albumId ? position : null);
      rows.duration.push(90_000 + Math.floor(random() * 300_000));
      rows.explicit.push(random() < 0.1);
      rows.genres.push(genresFor(random).join(","));
      rows.language.push(artist.language);
      rows.status.push(published ? "published" : "draft");
      rows.publishedAt.push(published ? new Date(now - random() * 3e11).toISOString() : null);
      rows.popularity.push(artist.popularity * random() * random());
      if (rows.id.length >= batchSize) {
        await flushTracks(db, rows);
        rows = emptyRows();
        options.onProgress?.(done + 1, options.tracks);
      }
    }
  }
  await flushTracks(db, rows);
  options.onProgress?.(options.tracks, options.tracks);
  return { artists: artists.length, albums };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { tracks: { type: "string", default: "100000" }, seed: { type: "string", default: "1" }, "no-reindex": { type: "boolean", default: false } },
  });
  const tracks = Number(values.tracks);
  const seed = Number(values.seed);
  if (!Number.isInteger(tracks) || tracks < 1) throw new Error(`--tracks must be a positive integer, got ${values.tracks}`);
  const config = parseConfig(nodeConfigSchema, process.env);
  const database = await resolveDatabase(config);
  const db = createPostgresDatabase(database.url, { maxConnections: 2, applicationName: "tunec-catalog-generate" });
  try {
    await migrate(db, await readMigrations());
    const started = performance.now();
    const bar = progressBar("generate");
    const made = await generateCatalog(db, { tracks, seed, onProgress: (done, total) => bar.update(done, total) });
    bar.stop();
    console.log(`Generated ${tracks} tracks, ${made.albums} albums, ${made.artists} artists in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (!values["no-reindex"]) {
      const reindexBar = progressBar("reindex ");
      const indexStarted = performance.now();
      await reindex(db, { onProgress: (done, total) => reindexBar.update(done, total) });
      reindexBar.stop();
      console.log(`Reindexed in ${((performance.now() - indexStarted) / 1000).toFixed(1)} s`);
    }
  } finally {
    await db.destroy();
    await database.stop();
  }
}
