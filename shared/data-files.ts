/**
 * Data the gateway reads on first use instead of carrying in its script: the
 * common-password list and the Russian problem catalogue. Cloudflare counts
 * every uploaded module against the Worker's size and start-up limits, so
 * splitting code into a lazily imported module saves nothing; a static asset
 * (`public/_data/`, copied there by scripts/data-assets.ts) costs the script
 * nothing and one ASSETS subrequest per isolate.
 *
 * Each runtime says where the files are, once, before serving: the Worker
 * entry through its ASSETS binding, Deno and Node from the source tree
 * (`shared/data-files-disk.ts`). The files are public (anyone may GET
 * /_data/…): both are published data already (the list comes from an npm
 * package, the catalogue is what Russian-speaking clients are shown).
 */

/** Source of each file, relative to the repository root; the build copies it to `public/_data/<name>`. */
export const dataFileSources = {
  "common-passwords.txt": "workers/auth/common-passwords.txt",
  "problem-text.ru.json": "shared/i18n/problem-text.ru.json",
} as const;

export type DataFileName = keyof typeof dataFileSources;

/** The URL path the Worker's static assets serve the files under. */
export const dataFilesPath = "/_data/";

export type DataFileReader = (name: DataFileName) => Promise<string>;

/** Both files are well under this; a larger answer is not ours. */
const maxDataFileBytes = 1024 * 1024;
const assetTimeoutMs = 5_000;

let reader: DataFileReader | undefined;

/** Where this runtime reads the data files; the entry calls it before serving (the last call wins). */
export function provideDataFiles(files: DataFileReader): void {
  reader = files;
}

export function readDataFile(name: DataFileName): Promise<string> {
  if (!reader) return Promise.reject(new Error(`no data-file reader: the runtime's entry must call provideDataFiles before ${name} is read`));
  return reader(name);
}

/** Anything with the ASSETS binding's `fetch`. */
export interface AssetFetcher {
  fetch(request: Request): Promise<Response>;
}

/** Reads the files through the Worker's static-assets binding (the host name is not looked at). */
export function assetDataFiles(assets: AssetFetcher): DataFileReader {
  return async (name) => {
    const request = new Request(`https://assets.invalid${dataFilesPath}${name}`, { signal: AbortSignal.timeout(assetTimeoutMs) });
    const response = await assets.fetch(request);
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`data file ${name}: the assets answered ${response.status} (is public/_data built? npm run data:assets)`);
    }
    const text = await response.text();
    if (text.length > maxDataFileBytes) throw new Error(`data file ${name}: larger than ${maxDataFileBytes} bytes`);
    return text;
  };
}
