/**
 * The port every provider adapter implements: read a user's source (a public
 * playlist link or an uploaded export file) into plain entries. Matching
 * against the catalog is not the adapter's business.
 */
import type { ImportProvider } from "../../../shared/db/users-import.table.ts";
import type { ImportLink } from "../../../workers/users/domain/imports/links.ts";

export interface ImportedEntry {
  /** Every credited artist, in the provider's order. */
  artists: string[];
  title: string;
  /** The provider's id of the track, when it has one. */
  externalId: string | null;
}

export type ImportInput = { kind: "link"; link: ImportLink } | { kind: "file"; text: string };

export interface ImportSource {
  readonly provider: ImportProvider;
  read(input: ImportInput, signal?: AbortSignal): Promise<ImportedEntry[]>;
}

/** fetch, injected: production passes globalThis.fetch, tests a recorder of provider responses. */
export type HttpClient = (request: Request) => Promise<Response>;

export type ImportSourceErrorCode =
  | "source_not_found"
  | "source_private"
  | "source_unreadable"
  | "source_too_large"
  | "provider_not_configured"
  | "provider_unavailable";

/** A source that cannot be read; `retryable` failures (provider down, rate-limited) are tried again later. */
export class ImportSourceError extends Error {
  override readonly name = "ImportSourceError";
  constructor(
    readonly code: ImportSourceErrorCode,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
  }
}

/** Most entries one import takes (the size of the largest playlist). */
export const maxImportEntries = 10_000;

export function checkSize(entries: ImportedEntry[]): ImportedEntry[] {
  if (entries.length > maxImportEntries)
    throw new ImportSourceError("source_too_large", `The source has ${entries.length} tracks; at most ${maxImportEntries} can be imported at once.`);
  return entries;
}

/** A provider answer we cannot use: 404 and 401/403 are the user's to fix, the rest is retried. */
export function errorForStatus(status: number, what: string): ImportSourceError {
  if (status === 404) return new ImportSourceError("source_not_found", `${what} was not found; check the link.`);
  if (status === 401 || status === 403) return new ImportSourceError("source_private", `${what} is not public.`);
  return new ImportSourceError("provider_unavailable", `${what} could not be read (the provider answered ${status}).`, true);
}

/** One request through the injected client; network failures are retryable. */
export async function requestJson(http: HttpClient, request: Request, what: string): Promise<unknown> {
  let response: Response;
  try {
    response = await http(request);
  } catch (error) {
    throw new ImportSourceError("provider_unavailable", `${what} could not be read: ${error instanceof Error ? error.message : String(error)}`, true);
  }
  if (!response.ok) throw errorForStatus(response.status, what);
  try {
    return await response.json();
  } catch {
    throw new ImportSourceError("provider_unavailable", `${what}: the provider answered with something other than JSON.`, true);
  }
}
