/**
 * Everything the Worker serves as static assets from public/, made from the
 * project's own files (runs on install and on `npm start`):
 *  - the web app (web/), built by Vite into public/app;
 *  - swagger-ui, copied from its npm package into public/docs/vendor, so /docs
 *    works offline and needs no CDN;
 *  - the gateway's data files (the password list, the Russian problem
 *    catalogue) into public/_data (scripts/data-assets.ts).
 */
import { copyFile, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";
import { copyDataAssets } from "./data-assets.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const swaggerDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const target = join(root, "public", "docs", "vendor");

export async function prepareAssets(): Promise<void> {
  await copyDataAssets();
  await mkdir(target, { recursive: true });
  for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
    await copyFile(join(swaggerDir, file), join(target, file));
  }
  await build({ configFile: join(root, "web", "vite.config.ts"), logLevel: "warn" });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await prepareAssets();
