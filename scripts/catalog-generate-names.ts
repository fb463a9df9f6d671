/** Seeded, deterministic name makers for the synthetic catalog (scripts/catalog-generate.ts). */
import * as words from "./catalog-generate-words.ts";

/** mulberry32: a tiny seeded PRNG; the same seed makes the same catalog. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;

export const pick = <T>(random: Random, list: readonly T[]): T => {
  const item = list[Math.floor(random() * list.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
};

/** A v4-shaped uuid from the seeded generator, so ids repeat with the seed. */
export function seededUuid(random: Random): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = "4";
  hex[16] = ((Math.floor(random() * 4) + 8) as number).toString(16);
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

const latinOf: Record<string, string> = {
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
  й: "y",
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
  х: "kh",
  ц: "ts",
  ч: "ch",
  ш: "sh",
  щ: "shch",
  ъ: "",
  ы: "y",
  ь: "",
  э: "e",
  ю: "yu",
  я: "ya",
};

/** How Russian artists often spell themselves for abroad (passport style): «Земфира» → "Zemfira". */
export function romanize(text: string): string {
  return [...text]
    .map((char) => {
      const lower = char.toLowerCase();
      const latin = latinOf[lower];
      if (latin === undefined) return char;
      return char === lower ? latin : latin.charAt(0).toUpperCase() + latin.slice(1);
    })
    .join("");
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function feminineSurname(surname: string): string {
  return /(ов|ев|ёв|ин)$/.test(surname) ? `${surname}а` : surname;
}

/** An artist: a person or a band, Russian or English; some Russians in Latin letters. */
export function artistName(random: Random): { name: string; language: "ru" | "en" } {
  const roll = random();
  if (roll < 0.3) {
    const first = pick(random, words.ruFirstNames);
    const female = /[ая]$/.test(first) && first !== "Любовь" ? true : first === "Любовь";
    const surname = pick(random, words.ruSurnames);
    const name = `${first} ${female ? feminineSurname(surname) : surname}`;
    return { name: random() < 0.2 ? romanize(name) : name, language: "ru" };
  }
  if (roll < 0.5) {
    const [noun, gender] = pick(random, words.ruNouns);
    const name = random() < 0.5 ? capitalize(noun) : `${capitalize(pick(random, words.ruAdjectives)[gender])} ${noun}`;
    return { name: random() < 0.15 ? romanize(name) : name, language: "ru" };
  }
  if (roll < 0.75) return { name: `${pick(random, words.enFirstNames)} ${pick(random, words.enSurnames)}`, language: "en" };
  const band = `${pick(random, words.enAdjectives)} ${pick(random, words.enNouns)}${random() < 0.6 ? "s" : ""}`;
  return { name: random() < 0.4 ? `The ${band}` : band, language: "en" };
}

/** A track or album title in the given language. */
export function title(random: Random, language: "ru" | "en"): string {
  const roll = random();
  if (language === "ru") {
    const [noun, gender] = pick(random, words.ruNouns);
    if (roll < 0.35) return capitalize(`${pick(random, words.ruAdjectives)[gender]} ${noun}`);
    if (roll < 0.55) return capitalize(`${noun} ${pick(random, words.ruPhrases)}`);
    if (roll < 0.7) return capitalize(`${noun} и ${pick(random, words.ruNouns)[0]}`);
    if (roll < 0.85) return capitalize(noun);
    return capitalize(`${pick(random, words.ruAdjectives)[gender]} ${noun} ${pick(random, words.ruPhrases)}`);
  }
  const noun = pick(random, words.enNouns);
  if (roll < 0.35) return `${pick(random, words.enAdjectives)} ${noun}`;
  if (roll < 0.55) return `${noun} ${pick(random, words.enPhrases)}`;
  if (roll < 0.7) return `${noun} and ${pick(random, words.enNouns)}`;
  if (roll < 0.85) return noun;
  return `${pick(random, words.enAdjectives)} ${noun} ${pick(random, words.enPhrases)}`;
}

export const genresFor = (random: Random): string[] => {
  const first = pick(random, words.genres);
  return random() < 0.3 ? [first, pick(random, words.genres)].filter((genre, index, all) => all.indexOf(genre) === index) : [first];
};
