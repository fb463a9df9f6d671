/**
 * Export files people actually have: a saved provider API answer (JSON), or
 * plain text with one "Artist - Title" per line (what playlist exporters and
 * copy-paste from a playlist page give). Each adapter tries its provider's
 * JSON shape first and falls back to the text lines.
 */
import { textExportProblem } from "../../../workers/users/domain/imports/file-limits.ts";
import { checkSize, ImportSourceError, type ImportedEntry } from "./source.ts";

const dashes = new Set(["-", "\u2013", "\u2014"]);
const isSpace = (char: string | undefined) => char !== undefined && /\s/.test(char);

/** A leading "1." or "01)" list number, removed by a linear scan. */
function withoutListNumber(line: string): string {
  let i = 0;
  while (i < line.length && i < 5 && line.charCodeAt(i) >= 48 && line.charCodeAt(i) <= 57) i++;
  if (i === 0 || (line[i] !== "." && line[i] !== ")") || !isSpace(line[i + 1])) return line;
  return line.slice(i + 1).trimStart();
}

/**
 * "Artist - Title": split at the first hyphen, en or em dash with whitespace on both sides. A
 * single left-to-right scan, so no input can make it backtrack (the regex it replaces was quadratic
 * on long runs of spaces without a dash).
 */
export function splitArtistTitle(line: string): { artist: string; title: string } | null {
  const text = withoutListNumber(line.trim());
  for (let i = 1; i < text.length - 1; i++) {
    if (!dashes.has(text.charAt(i)) || !isSpace(text[i - 1]) || !isSpace(text[i + 1])) continue;
    const artist = text.slice(0, i).trim();
    const title = text.slice(i + 1).trim();
    if (artist && title) return { artist, title };
  }
  return null;
}

export function parseTextLines(text: string): ImportedEntry[] {
  const problem = textExportProblem(text);
  if (problem) throw new ImportSourceError("source_too_large", problem);
  const entries: ImportedEntry[] = [];
  for (const raw of text.split("\n")) {
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    const parts = splitArtistTitle(trimmed);
    if (!parts) continue;
    entries.push({ artists: [parts.artist], title: parts.title, externalId: null });
  }
  return entries;
}

/** JSON when it parses as such, else undefined (then it is read as text). */
export function tryJson(text: string): unknown {
  const start = text.trimStart()[0];
  if (start !== "{" && start !== "[") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ImportSourceError("source_unreadable", "The file looks like JSON but does not parse.");
  }
}

/** The entries of a file, or a clear error when nothing in it could be read. */
export function entriesOrUnreadable(entries: ImportedEntry[], expected: string): ImportedEntry[] {
  if (entries.length === 0) throw new ImportSourceError("source_unreadable", `No tracks found in the file; expected ${expected}.`);
  return checkSize(entries);
}
