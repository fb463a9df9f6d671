/**
 * What the matcher compares, before the search context's SQL search form
 * (search.search_key: Cyrillic → Latin, accents and case folded) takes over:
 * titles without the decorations providers add to the same recording
 * ("(Remastered 2011)", "- Live", "feat. X"), artists split into the
 * individual credited names.
 */

// The inner class excludes the openers too, so an unclosed "((((" is scanned once, not once per "(".
const brackets = /\s?[([{【][^([{【)\]}】]*[)\]}】]/g;
// " - Remastered 2011", " — Live at Wembley", " - Radio Edit", " - 2011 Remaster"
const versionSuffix =
  /\s+[-–—]\s+[^-–—]*\b(remaster(ed)?|live|version|edit|mix|mono|stereo|radio|bonus|demo|acoustic|instrumental|ремастер|live-версия|версия)\b[^-–—]*$/iu;
const featuring = /\s+(feat\.?|ft\.?|featuring|при участии)\s+.*$/iu;

/** Longest title or credit compared: real ones are far shorter, and the patterns below stay cheap. */
export const maxComparedChars = 300;

/**
 * Whitespace runs collapsed (linear) and the length capped before any other pattern runs, so the
 * `\s+`/`\s*` prefixes below cannot backtrack over long runs of spaces from an import file.
 */
function bounded(text: string): string {
  return text.replace(/\s+/g, " ").trim().slice(0, maxComparedChars);
}

/** "Bohemian Rhapsody - Remastered 2011" → "Bohemian Rhapsody"; never empties a title. */
export function cleanTitle(raw: string): string {
  const title = bounded(raw);
  const cleaned = title.replace(brackets, " ").replace(versionSuffix, "").replace(featuring, "").replace(/\s+/g, " ").trim();
  return cleaned || title.trim();
}

const artistSeparator = /\s*(?:,|&|;|\/|\s(?:feat\.?|ft\.?|featuring|x|vs\.?)\s)\s*/iu;

/** Every credited name, the whole credit first: "Noize MC feat. Монеточка" → ["Noize MC feat. Монеточка", "Noize MC", "Монеточка"]. */
export function artistNames(artists: readonly string[]): string[] {
  const names = new Set<string>();
  for (const credit of artists) {
    const whole = bounded(credit);
    if (!whole) continue;
    names.add(whole);
    for (const part of whole.split(artistSeparator)) if (part.trim()) names.add(part.trim());
  }
  return [...names];
}
