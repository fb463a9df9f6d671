/**
 * Copies swagger-ui from its npm package into public/docs/vendor so /docs works
 * offline and the Worker's static assets need no CDN. Runs on install and start.
 */
import { copyFile, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const swaggerDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const target = join(root, "public", "docs", "vendor");

export async function prepareAssets(): Promise<void> {
  await mkdir(target, { recursive: true });
  for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
    await copyFile(join(swaggerDir, file), join(target, file));
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await prepareAssets();
