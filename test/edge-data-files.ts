/**
 * The edge tests build gateway apps directly (not through the Worker entry), so
 * the data files are wired here the way workers/gateway/index.ts wires them:
 * through the ASSETS binding, from public/_data (test/global-setup.ts copies them).
 */
import { env } from "cloudflare:test";
import { assetDataFiles, provideDataFiles } from "../shared/data-files.ts";

provideDataFiles(assetDataFiles((env as unknown as { ASSETS: Fetcher }).ASSETS));
