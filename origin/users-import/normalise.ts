/**
 * What the matcher compares, before the search context's SQL search form
 * (search.search_key: Cyrillic → Latin, accents and case folded) takes over:
 * titles without the decorations providers add to the same recording
 * ("(Remastered 2011)", "- Live", "feat. X"), artists split into the
 * individual credited names.
 */

const brackets = /\s*[([{【][^)\]}】]*[)\]}】]/g;
// " - Remastered 2011", " — Live at Wembley", " - Radio Edit", " - 2011 Remaster"
const versionSuffix = /\s+[-–—]\s+[^-–—]*\b(remaster(ed)?|live|version|edit|mix|mono|stereo|radio|bonus|demo|acoustic|instrumental|ремастер|live-версия|версия)\b[^-–—]*$/iu;
const featuring = /\s+(feat\.?|ft\.?|featuring|при участии)\s+.*$/iu;

/**
 * Titles and credits are cut to this many characters before any pattern runs:
 * the patterns below are quadratic at worst (a run of blanks, many unclosed
 * brackets), so bounding their input bounds their time; real titles and
 * credits are far shorter, and a provider's JSON or a text line may not be.
 */
export const maxNameChars = 300;

/** "Bohemian Rhapsody - Remastered 2011" → "Bohemian Rhapsody"; never empties a title. */
export function cleanTitle(fullTitle: string): string {
  const title = fullTitle.slice(0, maxNameChars);
  const cleaned = title.replace(brackets, " ").replace(versionSuffix, "").replace(featuring, "").replace(/\s+/g, " ").trim();
  return cleaned || title.trim();
}

const artistSeparator = /\s*(?:,|&|;|\/|\s(?:feat\.?|ft\.?|featuring|x|vs\.?)\s)\s*/iu;

/** Every credited name, the whole credit first: "Noize MC feat. Монеточка" → ["Noize MC feat. Монеточка", "Noize MC", "Монеточка"]. */
export function artistNames(artists: readonly string[]): string[] {
  const names = new Set<string>();
  for (const credit of artists) {
    const whole = credit.slice(0, maxNameChars).trim();
    if (!whole) continue;
    names.add(whole);
    for (const part of whole.split(artistSeparator)) if (part.trim()) names.add(part.trim());
  }
  return [...names];
}
