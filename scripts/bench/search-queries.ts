/**
 * Query kinds of `npm run bench:search`, made from real documents of the
 * catalog under test, each with the track it should find.
 */
import { romanize, seededRandom, type Random } from "../catalog-generate-names.ts";

export type QueryKind = "exact" | "prefix" | "typo" | "transliterated" | "mixed-script";
export const queryKinds: QueryKind[] = ["exact", "prefix", "typo", "transliterated", "mixed-script"];

export interface SampleTrack {
  id: string;
  title: string;
  artist: string;
}

export interface BenchQuery {
  kind: QueryKind;
  q: string;
  expectedId: string;
}

const cyrillic = /[а-яё]/i;

const cyrillicOf: Array<[string, string]> = [
  ["shch", "щ"],
  ["zh", "ж"],
  ["kh", "х"],
  ["ts", "ц"],
  ["ch", "ч"],
  ["sh", "ш"],
  ["yu", "ю"],
  ["ya", "я"],
  ["yo", "ё"],
  ...[..."abvgdezijklmnoprstufyhc"].map((latin): [string, string] => [latin, "абвгдезийклмнопрстуфыхк"["abvgdezijklmnoprstufyhc".indexOf(latin)] ?? latin]),
];

/** Latin → Cyrillic as a Russian speaker would type a romanized name: "Zemfira" → «земфира». */
export function cyrillize(text: string): string {
  let out = "";
  const lower = text.toLowerCase();
  for (let i = 0; i < lower.length; ) {
    const match = cyrillicOf.find(([latin]) => lower.startsWith(latin, i));
    out += match ? match[1] : lower[i];
    i += match ? match[0].length : 1;
  }
  return out;
}

function misspell(random: Random, text: string, edits: number): string {
  const words = text.split(" ");
  const longest = words.reduce((best, word, index) => (word.length > (words[best]?.length ?? 0) ? index : best), 0);
  let word = words[longest] ?? text;
  for (let edit = 0; edit < edits && word.length >= 5; edit++) {
    const at = 1 + Math.floor(random() * (word.length - 2));
    const letters = cyrillic.test(word) ? "аеиоуклмнрст" : "aeioklmnrst";
    word =
      random() < 0.5
        ? word.slice(0, at) + word.slice(at + 1)
        : word.slice(0, at) + (letters[Math.floor(random() * letters.length)] ?? "a") + word.slice(at + 1);
  }
  words[longest] = word;
  return words.join(" ");
}

function prefixOf(text: string): string {
  const words = text.split(" ");
  if (words.length === 1) return text.slice(0, Math.max(3, Math.ceil(text.length * 0.6)));
  const last = words[words.length - 1] ?? "";
  return [...words.slice(0, -1), last.slice(0, Math.max(2, Math.ceil(last.length / 2)))].join(" ");
}

/** Latin text that is a romanized Russian name ("Aleksey Volkov"), not English ("Silver Wolves"). */
const isRomanizedRussian = (text: string) => !cyrillic.test(text) && romanize(cyrillize(text)) === text.toLowerCase();

/**
 * Queries use artist + title: titles alone repeat across a large catalog, as
 * in real ones. Transliterated and mixed-script queries come from Russian
 * names only (in Cyrillic, or romanized as "Zemfira"); typing an English name
 * in Cyrillic is not transliteration.
 */
export function buildQueries(tracks: SampleTrack[], seed = 7): BenchQuery[] {
  const random = seededRandom(seed);
  return tracks.flatMap((track, index) => {
    const full = `${track.artist} ${track.title}`;
    const queries: BenchQuery[] = [
      { kind: "exact", q: full, expectedId: track.id },
      { kind: "prefix", q: prefixOf(full), expectedId: track.id },
      { kind: "typo", q: misspell(random, full, 1 + (index % 2)), expectedId: track.id },
    ];
    const cyrillicTitle = cyrillic.test(track.title);
    if (cyrillic.test(track.artist)) {
      queries.push({ kind: "transliterated", q: romanize(full), expectedId: track.id });
      queries.push({ kind: "mixed-script", q: cyrillicTitle ? `${romanize(track.artist)} ${track.title}` : full, expectedId: track.id });
    } else if (isRomanizedRussian(track.artist)) {
      queries.push({ kind: "transliterated", q: `${cyrillize(track.artist)} ${cyrillicTitle ? romanize(track.title) : track.title}`, expectedId: track.id });
      queries.push({ kind: "mixed-script", q: cyrillicTitle ? full : `${cyrillize(track.artist)} ${track.title}`, expectedId: track.id });
    }
    return queries;
  });
}
