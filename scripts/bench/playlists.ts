/**
 * Playlist operations on a 10,000-entry playlist (not a test):
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx scripts/bench/playlists.ts [-- --ops 300]
 *
 * Makes its own database on the DATABASE_URL server (dropped at the end), or
 * uses an in-memory PGlite without DATABASE_URL. Times, one at a time, the
 * functions the routes run (database time plus a round trip, without HTTP):
 * a random move (If-Match check, version compare-and-set, one row rewritten),
 * an add of one track at a random place, a remove, and a page of 100 entries
 * at a random cursor. Prints how many entry rows all the moves rewrote.
 */
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { createTestDatabase } from "../../shared/testing/test-database.ts";
import { mutatePlaylist } from "../../workers/users/domain/playlists/mutations.ts";
import { keysBetween } from "../../workers/users/domain/playlists/ordering.ts";
import { listEntries } from "../../workers/users/domain/playlists/repository.ts";
import { addTracks, moveEntry, removeEntry } from "../../workers/users/domain/playlists/tracks.ts";

const { values } = parseArgs({ options: { ops: { type: "string", default: "300" } } });
const ops = Number(values.ops);
const database = await createTestDatabase(process.env.DATABASE_URL ? "postgres" : "pglite");
const db = database.db;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const fmt = (n: number) => n.toFixed(2).padStart(8);
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

try {
  const ownerId = crypto.randomUUID();
  const artist = await db.insertInto("catalog.artists").values({ name: "Bench" }).returning("id").executeTakeFirstOrThrow();
  const track = await db
    .insertInto("catalog.tracks")
    .values({ title: "Bench", artist_id: artist.id, duration_ms: 1000, status: "published", published_at: new Date() })
    .returning("id")
    .executeTakeFirstOrThrow();
  const playlist = await db
    .insertInto("users.playlists")
    .values({ owner_id: ownerId, name: "bench", track_count: 9_000 })
    .returning("id")
    .executeTakeFirstOrThrow();
  await sql`
    insert into users.playlist_tracks (playlist_id, track_id, position, added_by, updated_at)
    select ${playlist.id}::uuid, ${track.id}::uuid, (${keysBetween(null, null, 9_000)}::text[])[g.i], ${ownerId}::uuid, '2000-01-01'
    from generate_series(1, 9000) g(i)`.execute(db);
  await sql`analyze users.playlist_tracks`.execute(db);
  const entryIds = async () => await db.selectFrom("users.playlist_tracks").select(["entry_id", "position"]).where("playlist_id", "=", playlist.id).execute();
  let entries = await entryIds();
  let version = 1;
  const run = async (work: Parameters<typeof mutatePlaylist>[2]) => {
    await mutatePlaylist(db, { playlistId: playlist.id, userId: ownerId, ifMatch: `"${version}"`, need: "edit" }, work);
    version++;
  };
  const timings: Record<string, number[]> = { move: [], add: [], remove: [], page: [] };
  const time = async (name: string, work: () => Promise<unknown>) => {
    const started = performance.now();
    await work();
    timings[name]?.push(performance.now() - started);
  };
  // Grow to 10,000 with adds at random places, then moves, removes and reads.
  for (let i = 0; i < 1_000; i++) {
    const before = pick(entries).entry_id;
    await time("add", () => run((trx, locked) => addTracks(trx, locked, { trackIds: [track.id], beforeEntryId: before, userId: ownerId })));
  }
  entries = await entryIds();
  console.log(`playlist of ${entries.length} entries (${database.kind})`);
  const movesStart = new Date();
  for (let i = 0; i < ops; i++) {
    const [moved, before] = [pick(entries).entry_id, pick(entries).entry_id];
    await time("move", () => run((trx, locked) => moveEntry(trx, locked, moved, before)));
  }
  const rewritten = await db
    .selectFrom("users.playlist_tracks")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("playlist_id", "=", playlist.id)
    .where("updated_at", ">=", movesStart)
    .executeTakeFirstOrThrow();
  for (let i = 0; i < ops; i++) await time("page", () => listEntries(db, playlist.id, 100, pick(entries).position));
  for (let i = 0; i < Math.min(ops, 500); i++) {
    const removed = entries.pop();
    if (!removed) break;
    await time("remove", () => run((trx, locked) => removeEntry(trx, locked, removed.entry_id)));
  }
  console.log("operation      n    p50 ms   p95 ms   p99 ms");
  for (const [name, ms] of Object.entries(timings)) {
    const sorted = [...ms].sort((a, b) => a - b);
    console.log(
      `${name.padEnd(9)} ${String(sorted.length).padStart(6)} ${fmt(percentile(sorted, 50))} ${fmt(percentile(sorted, 95))} ${fmt(percentile(sorted, 99))}`,
    );
  }
  console.log(`${ops} moves rewrote ${rewritten.n} entry rows (at most one each; a move to where the entry already is writes none)`);
  const longest = await sql<{ n: number }>`select max(length(position))::int as n from users.playlist_tracks where playlist_id = ${playlist.id}`.execute(db);
  console.log(`longest order key: ${longest.rows[0]?.n} characters`);
} finally {
  await database.drop();
}
