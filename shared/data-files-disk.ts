/**
 * The gateway's data files read from the source tree, for the runtimes that
 * have a file system (Deno, Node, the build script). Not imported by the
 * Worker: it reads them through ASSETS (shared/data-files.ts).
 */
import { readFile } from "node:fs/promises";
import { dataFileSources, type DataFileName, type DataFileReader } from "./data-files.ts";

const repositoryRoot = new URL("..", import.meta.url);

export function dataFileUrl(name: DataFileName): URL {
  return new URL(dataFileSources[name], repositoryRoot);
}

export function diskDataFiles(): DataFileReader {
  return (name) => readFile(dataFileUrl(name), "utf8");
}
