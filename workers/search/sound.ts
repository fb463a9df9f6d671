/**
 * Spellings that no transliteration table reconciles: a loose "sound"
 * skeleton of each word of the search form (latin.ts), for names spelt by ear
 * in the other script or by another romanisation: Битлз/Beatles (btls),
 * Tchaikovsky/Chaykovskiy (4kvsk), Квин/Queen (kvn), Естердей/Yesterday
 * (strd), Моторхед/Motörhead. Vowels, h and doubled letters go; English
 * spellings (tch, ck, ph, th, w, c, x, q) and German ones (tsch, sch) fold
 * into what a Russian transliteration would write. Lossy on purpose: it only
 * adds candidates, ranked below the real matches.
 */
// Mirrored by the SQL function search.sound (migrations/0171); sound.node.test.ts checks they agree.
// Word boundaries are look-arounds on [a-z0-9] so the same patterns work on a whole search form.
const consonant = "[bcdfgjklmnpqrstvwxz0-9]";
const rules: ReadonlyArray<readonly [RegExp, string]> = [
  [/dzh/g, "y"],
  [/tsch|tch/g, "ch"],
  [/shch|sch/g, "sh"],
  // Rachmaninoff, Tchaikovsky: ch before a consonant is х written the German way.
  [new RegExp(`ch(?=${consonant})`, "g"), "h"],
  [/ch/g, "4"],
  [/qu/g, "kv"],
  [/sh|zh|ts|tz/g, "s"],
  [/ph/g, "f"],
  [/th/g, "z"],
  [/ck|q/g, "k"],
  [/x/g, "ks"],
  // An initial w is heard as у (Уитни, Уолл); inside a word it is German v (Tschaikowsky).
  [/(?<![a-z0-9])w/g, ""],
  [/w/g, "v"],
  [/ge(?![a-z0-9])/g, "s"],
  [/c(?=[eiy])/g, "s"],
  [/c/g, "k"],
  [/z/g, "s"],
  [/[aeiouyh]/g, ""],
  [/([a-z])\1+/g, "$1"],
  [/f(?![a-z0-9])/g, "v"],
];

/** The skeletons of every word of a search form, space-separated, skipping words of vowels only. */
export function soundKey(searchForm: string): string {
  let out = searchForm;
  for (const [pattern, replacement] of rules) out = out.replace(pattern, replacement);
  return out.replace(/ +/g, " ").trim();
}

/**
 * Romanisations with diacritics (ISO 9, GOST, Czech/Polish-style: č š ž ŝ)
 * written as the search form's digraphs, other marks stripped; queries only
 * (documents come from Cyrillic or from the catalog's own spelling).
 */
export function foldRomanisation(query: string): string {
  return (
    query
      .replace(/[čćĉ]/gi, "ch")
      .replace(/ŝ/gi, "shch")
      .replace(/[šś]/gi, "sh")
      .replace(/[žź]/gi, "zh")
      .normalize("NFD")
      // Latin letters only: й and ё are и and е with marks too.
      .replace(/([a-z])\p{M}+/giu, "$1")
      .normalize("NFC")
  );
}
