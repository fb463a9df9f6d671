/**
 * Limits of a plain-text export file ("Artist - Title" per line) and the
 * parser of one line, shared by the upload route (which refuses an oversized
 * file with a 4xx) and the origin's import worker (which never parses more).
 *
 * The line parser scans for the separator instead of matching a regex over the
 * whole line: the old pattern `(.+?)\s+[-–—]\s+(.+?)` backtracked quadratically
 * on a long line of blanks with no dash, and a 4 MiB file froze the origin's
 * single event loop.
 */

/** Longest line read: far above any real "Artist - Title" (the longest track titles are a few hundred characters). */
export const maxExportLineChars = 1_000;
/** Most lines in a text export: the 10,000 entries an import takes, plus room for blanks and comments. */
export const maxExportLines = 20_000;

/** Why a text export is refused, or null: JSON exports are one long line and are bounded by size alone. */
export function exportTextProblem(text: string): string | null {
  const start = text.trimStart()[0];
  if (start === "{" || start === "[") return null;
  let lines = 0;
  let lineStart = 0;
  while (lineStart <= text.length) {
    const end = text.indexOf("\n", lineStart);
    const lineEnd = end === -1 ? text.length : end;
    lines += 1;
    if (lines > maxExportLines) return `The file has more than ${maxExportLines} lines.`;
    if (lineEnd - lineStart > maxExportLineChars + 1) return `Line ${lines} is longer than ${maxExportLineChars} characters.`;
    if (end === -1) break;
    lineStart = end + 1;
  }
  return null;
}

const dashes = new Set(["-", "–", "—"]);

function isBlank(char: string | undefined): boolean {
  return char === " " || char === "\t" || char === "\u00a0" || char === "\u2009" || char === "\u202f";
}

/** Strips a leading list number such as "1. " or "01) ": at most five digits, then "." or ")", then blanks. */
function withoutListNumber(line: string): string {
  let digits = 0;
  while (digits < line.length && digits <= 5 && line.charCodeAt(digits) >= 48 && line.charCodeAt(digits) <= 57) digits += 1;
  if (digits === 0 || digits > 5) return line;
  const mark = line[digits];
  if ((mark !== "." && mark !== ")") || !isBlank(line[digits + 1])) return line;
  return line.slice(digits + 1).trimStart();
}

/**
 * "Artist - Title" split at the first hyphen, en or em dash with blanks on both
 * sides; null for a line without one. Linear in the line's length.
 */
export function splitExportLine(trimmedLine: string): { artist: string; title: string } | null {
  const line = withoutListNumber(trimmedLine);
  for (let i = 1; i < line.length - 1; i += 1) {
    const char = line[i];
    if (char === undefined || !dashes.has(char) || !isBlank(line[i - 1]) || !isBlank(line[i + 1])) continue;
    const artist = line.slice(0, i).trim();
    const title = line.slice(i + 1).trim();
    if (artist && title) return { artist, title };
  }
  return null;
}
