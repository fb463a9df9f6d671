/**
 * Copies the gateway's data files (shared/data-files.ts) into public/_data/,
 * where the Worker's static assets serve them. Runs on install and `npm start`
 * (prepare-assets.ts), before every `wrangler deploy` / `wrangler dev`
 * (wrangler.toml [build]) and before the edge tests (test/global-setup.ts), so
 * a deploy never ships a Worker without them or with stale copies.
 *
 *   npm run -s data:assets
 */
import { copyFile, mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { dataFileSources, dataFilesPath, type DataFileName } from "../shared/data-files.ts";
import { dataFileUrl } from "../shared/data-files-disk.ts";

const target = new URL(`../public${dataFilesPath}`, import.meta.url);

export async function copyDataAssets(): Promise<void> {
  await mkdir(target, { recursive: true });
  for (const name of Object.keys(dataFileSources) as DataFileName[]) {
    await copyFile(dataFileUrl(name), new URL(name, target));
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await copyDataAssets();
