/**
 * Limits of a text export file, checked at upload (a clear 4xx) and again by the origin parser, so
 * no file can make parsing long: every line is short and there are few of them.
 */
/** Longest text line read: a real "Artist - Title" line is far shorter; longer ones are hostile or not an export. */
export const maxExportLineChars = 1_000;
/** Most text lines read: twice the largest playlist leaves room for blank lines and comments. */
export const maxExportLines = 20_000;

/**
 * The limits of a text export, checked before any parsing (at upload and again in the origin):
 * an error message, or null when the text is within them. JSON exports are one long line and are
 * not checked here (JSON.parse is linear).
 */
export function textExportProblem(text: string): string | null {
  const start = text.trimStart()[0];
  if (start === "{" || start === "[") return null;
  let lines = 1;
  let lineStart = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && text.charCodeAt(i) !== 10) continue;
    if (i - lineStart > maxExportLineChars + 1) return `Line ${lines} is longer than ${maxExportLineChars} characters; expected one "Artist - Title" per line.`;
    if (i < text.length && ++lines > maxExportLines) return `The file has more than ${maxExportLines} lines.`;
    lineStart = i + 1;
  }
  return null;
}
