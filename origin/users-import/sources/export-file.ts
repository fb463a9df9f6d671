/**
 * Export files people actually have: a saved provider API answer (JSON), or
 * plain text with one "Artist - Title" per line (what playlist exporters and
 * copy-paste from a playlist page give). Each adapter tries its provider's
 * JSON shape first and falls back to the text lines.
 */
import { exportTextProblem, splitExportLine } from "../../../workers/users/imports/export-text.ts";
import { checkSize, ImportSourceError, type ImportedEntry } from "./source.ts";

/**
 * "Artist - Title" lines (a leading "1." or "01)" is a list number). The upload
 * route refused files over the line limits; a job stored before those limits
 * existed is refused here rather than parsed, so no file can hold the origin's
 * event loop for long.
 */
export function parseTextLines(text: string): ImportedEntry[] {
  const problem = exportTextProblem(text);
  if (problem) throw new ImportSourceError("source_too_large", problem);
  const entries: ImportedEntry[] = [];
  for (const raw of text.split("\n")) {
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    const parts = splitExportLine(trimmed);
    if (parts) entries.push({ artists: [parts.artist], title: parts.title, externalId: null });
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
