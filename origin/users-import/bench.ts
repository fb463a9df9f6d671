/**
 * Matching figures on a generated catalog (prints them; nothing is asserted):
 *
 *   DATABASE_URL=postgres://…/own_db npm run catalog:generate -- --tracks 200000
 *   DATABASE_URL=postgres://…/own_db npx tsx origin/users-import/bench.ts [--entries 600] [--batch 100] [--seed 1]
 *
 * Entries are drawn from the catalog in three kinds: as stored, re-spelt
 * (Cyrillic names romanised another way than the search form does, Latin
 * names in Cyrillic letters where the reverse is unambiguous, decorations such
 * as " - Remastered" added), and absent (words shuffled across tracks). It
 * reports throughput, batch latency, how many of the first two kinds found
 * their own track, and how many absent entries matched something.
 */
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { createPostgresDatabase } from "../../shared/db/postgres.ts";
import { matchEntries, type MatchInput } from "./match.ts";

const { values } = parseArgs({
  options: { entries: { type: "string", default: "600" }, batch: { type: "string", default: "100" }, seed: { type: "string", default: "1" } },
});
const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL (a database with a generated catalog) is required");
const perKind = Math.floor(Number(values.entries) / 3);
const batchSize = Number(values.batch);

// A romanisation unlike search.latin (ц c, щ sch, ё yo, х h, й j, ю ju, я ja): what another service might print.
const other: Record<string, string> = {
  а: "a",
  б: "b",
  в: "v",
  г: "g",
  д: "d",
  е: "e",
  ё: "yo",
  ж: "zh",
  з: "z",
  и: "i",
  й: "j",
  к: "k",
  л: "l",
  м: "m",
  н: "n",
  о: "o",
  п: "p",
  р: "r",
  с: "s",
  т: "t",
  у: "u",
  ф: "f",
  х: "h",
  ц: "c",
  ч: "ch",
  ш: "sh",
  щ: "sch",
  ъ: "",
  ы: "y",
  ь: "",
  э: "e",
  ю: "ju",
  я: "ja",
};
const romanise = (text: string) =>
  [...text]
    .map((char) => {
      const lower = char.toLowerCase();
      const latin = other[lower];
      return latin === undefined ? char : char === lower ? latin : latin.charAt(0).toUpperCase() + latin.slice(1);
    })
    .join("");
const cyrillicOf: Record<string, string> = {
  a: "а",
  b: "б",
  d: "д",
  e: "е",
  f: "ф",
  g: "г",
  i: "и",
  k: "к",
  l: "л",
  m: "м",
  n: "н",
  o: "о",
  p: "п",
  r: "р",
  s: "с",
  t: "т",
  u: "у",
  v: "в",
  z: "з",
};
const cyrillise = (text: string) =>
  [...text.toLowerCase()].every((char) => cyrillicOf[char] || !/[a-z]/.test(char))
    ? [...text.toLowerCase()].map((char) => cyrillicOf[char] ?? char).join("")
    : text;
const respell = (text: string) => (/[а-яё]/i.test(text) ? romanise(text) : cyrillise(text));

const db = createPostgresDatabase(url, { maxConnections: 2 });
try {
  await sql`select setseed(${1 / (1 + Number(values.seed))})`.execute(db);
  const sample = await sql<{ id: string; title: string; artist: string }>`
    select id, title, artist_names[1] as artist from search.tracks where visible order by random() limit ${perKind * 3}`.execute(db);
  const rows = sample.rows;
  if (rows.length < perKind * 3) throw new Error("the catalog is too small; run catalog:generate first");
  const exact = rows.slice(0, perKind).map((row) => ({ row, input: { artists: [row.artist], title: row.title } }));
  const respelt = rows
    .slice(perKind, perKind * 2)
    .map((row, index) => ({ row, input: { artists: [respell(row.artist)], title: `${respell(row.title)}${index % 4 === 0 ? " - Remastered" : ""}` } }));
  // One track's title under another track's artist: absent unless that artist happens to have a namesake.
  const absent = rows
    .slice(perKind * 2)
    .map((row, index, all) => ({ row, input: { artists: [all[(index + 1) % all.length]?.artist ?? row.artist], title: row.title } }));
  const all = [...exact, ...respelt, ...absent];
  const inputs: MatchInput[] = all.map((entry, position) => ({ position, ...entry.input }));
  const timings: number[] = [];
  const found = new Map<number, string | null>();
  const started = performance.now();
  for (let start = 0; start < inputs.length; start += batchSize) {
    const batchStarted = performance.now();
    for (const result of await matchEntries(db, inputs.slice(start, start + batchSize))) found.set(result.position, result.trackId);
    timings.push(performance.now() - batchStarted);
  }
  const seconds = (performance.now() - started) / 1000;
  // The generated catalog repeats some artist/title pairs: finding a namesake counts as found.
  const names = new Map(
    (
      await sql<{
        id: string;
        title: string;
        artists: string[];
      }>`select id, title, artist_names as artists from search.tracks where id = any(${[...found.values()].filter((id) => id !== null)}::uuid[])`.execute(db)
    ).rows.map((row) => [row.id, row]),
  );
  const same = (expected: { id: string; title: string; artist: string }, got: string | null | undefined) => {
    const track = got ? names.get(got) : undefined;
    return got === expected.id || (track !== undefined && track.title === expected.title && track.artists.includes(expected.artist));
  };
  const hit = (from: number, entries: typeof exact) => entries.filter((entry, index) => same(entry.row, found.get(from + index))).length;
  const falseMatches = absent.filter((entry, index) => {
    const got = found.get(perKind * 2 + index);
    return got != null && !same({ id: "", title: entry.input.title, artist: entry.input.artists[0] ?? "" }, got);
  }).length;
  const tracks = await sql<{ n: string }>`select count(*) as n from search.tracks where visible`.execute(db);
  timings.sort((a, b) => a - b);
  const percentile = (p: number) => timings[Math.min(timings.length - 1, Math.floor((p / 100) * timings.length))]?.toFixed(0);
  console.log(`catalog: ${tracks.rows[0]?.n} visible tracks; ${inputs.length} entries in batches of ${batchSize}`);
  console.log(`throughput: ${(inputs.length / seconds).toFixed(0)} entries/s; batch p50 ${percentile(50)} ms, p95 ${percentile(95)} ms`);
  console.log(`as stored: ${hit(0, exact)}/${perKind} found their track`);
  console.log(`re-spelt:  ${hit(perKind, respelt)}/${perKind} found their track`);
  console.log(`absent:    ${falseMatches}/${perKind} matched something (false matches)`);
  for (const [index, entry] of absent.entries()) {
    const got = found.get(perKind * 2 + index);
    const track = got ? names.get(got) : undefined;
    if (track && !same({ id: "", title: entry.input.title, artist: entry.input.artists[0] ?? "" }, got)) {
      console.log(`  false: ${entry.input.artists[0]} — ${entry.input.title}  →  ${track.artists.join(", ")} — ${track.title}`);
    }
  }
  for (const [index, entry] of respelt.entries()) {
    if (!same(entry.row, found.get(perKind + index)))
      console.log(`  missed: ${entry.input.artists[0]} — ${entry.input.title}  (catalog: ${entry.row.artist} — ${entry.row.title})`);
  }
} finally {
  await db.destroy();
}
