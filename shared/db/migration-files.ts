import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Migration } from "./migrator.ts";

/** The project's `migrations/` folder. */
export const migrationsDir = fileURLToPath(new URL("../../migrations/", import.meta.url));

/** Reads every `NNNN_name.sql` file of a folder (Node only). */
export async function readMigrations(dir: string = migrationsDir): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((name) => /^\d{4}_[\w-]+\.sql$/.test(name)).sort();
  return Promise.all(names.map(async (name) => ({ name, sql: await readFile(`${dir}/${name}`, "utf8") })));
}
