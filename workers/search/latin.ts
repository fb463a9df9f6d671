/**
 * The search form of a text, in TypeScript: the same mapping as the SQL
 * functions search.latin and search.search_key (migrations/0020_search.sql),
 * which build the PostgreSQL documents. The OpenSearch adapter needs the
 * query's search form at the edge, where there is no SQL to ask; the
 * documents' forms still come from SQL (title_latin, names_latin), so
 * latin.node.test.ts checks the two agree.
 */
const multi: ReadonlyArray<readonly [string, string]> = [
  ["щ", "shch"],
  ["ж", "zh"],
  ["ч", "ch"],
  ["ш", "sh"],
  ["ю", "yu"],
  ["я", "ya"],
  ["ц", "ts"],
  ["х", "kh"],
  ["ї", "yi"],
  ["є", "ye"],
];
const from = "абвгдеёзийклмнопрстуфыэіґўàáâãäåçèéêëìíîïñòóôõöùúûüýÿъь";
const to = "abvgdeeziyklmnoprstufyeiguaaaaaaceeeeiiiinooooouuuuyy";
const single = new Map<string, string>([...from].map((char, index) => [char, to[index] ?? ""]));

/** search.latin: Cyrillic transliterated, accents and case folded, kh = h, j = y. */
export function latin(input: string): string {
  let text = input.toLowerCase();
  for (const [cyrillic, romanised] of multi) text = text.replaceAll(cyrillic, romanised);
  let out = "";
  for (const char of text) out += single.has(char) ? single.get(char) : char;
  return out.replaceAll("kh", "h").replaceAll("j", "y");
}

/** search.search_key: search.latin with every run of anything but [a-z0-9] one space, trimmed. */
export function searchKey(input: string): string {
  return latin(input)
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}
