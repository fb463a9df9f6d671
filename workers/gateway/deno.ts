/**
 * Deno entry: `deno serve -A workers/gateway/deno.ts` runs the same gateway
 * app without any Cloudflare binding, on plain `DATABASE_URL`.
 */
import process from "node:process";
import { nodeConfigSchema, parseConfig } from "../../shared/config.ts";
import { diskDataFiles } from "../../shared/data-files-disk.ts";
import { provideDataFiles } from "../../shared/data-files.ts";
import { createPostgresDatabase } from "../../shared/db/postgres.ts";
import { createGatewayApp } from "./app.ts";

const config = parseConfig(nodeConfigSchema, process.env);
// No static assets here: the password list and the Russian problem catalogue come from the source tree.
provideDataFiles(diskDataFiles());
if (!config.DATABASE_URL) throw new Error("Invalid configuration:\n  - DATABASE_URL: is required under Deno");
// A long-lived server process keeps one pool, unlike a Worker isolate.
const db = createPostgresDatabase(config.DATABASE_URL, { applicationName: "tunec-gateway-deno" });
const app = createGatewayApp({
  logLevel: config.LOG_LEVEL,
  services: () => ({ services: { db }, release: async () => undefined }),
});

export default { fetch: app.fetch };
