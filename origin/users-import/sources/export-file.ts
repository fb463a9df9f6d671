/**
 * Export files people actually have: a saved provider API answer (JSON), or
 * plain text with one "Artist - Title" per line (what playlist exporters and
 * copy-paste from a playlist page give). Each adapter tries its provider's
 * JSON shape first and falls back to the text lines.
 */
import { checkSize, ImportSourceError, type ImportedEntry } from "./source.ts";

// "Artist - Title", with a hyphen, en or em dash surrounded by spaces; a leading "1." or "01)" is a list number.
const line = /^\s*(?:\d{1,5}[.)]\s+)?(.+?)\s+[-–—]\s+(.+?)\s*$/;

export function parseTextLines(text: string): ImportedEntry[] {
  const entries: ImportedEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    const match = line.exec(trimmed);
    if (!match?.[1] || !match[2]) continue;
    entries.push({ artists: [match[1]], title: match[2], externalId: null });
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
