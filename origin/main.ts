/**
 * Origin entry: `npm run origin` runs every origin service in one process;
 * `npm run origin -- --service NAME [--service NAME]` runs only those (each
 * scales out as its own Kafka consumer group member).
 */
import { parseArgs } from "node:util";
import { ConfigError, nodeConfigSchema, parseConfig } from "../shared/config.ts";
import { startOrigin, selectServices, UnknownServiceError } from "./runtime.ts";
import { originServices } from "./services.ts";
import { defaultShutdownDeadlineMs, installShutdown } from "./shutdown.ts";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { service: { type: "string", multiple: true, default: [] }, list: { type: "boolean", default: false } },
  });
  if (values.list) {
    for (const service of originServices) console.log(`${service.name}\t${service.description}`);
    return;
  }
  const config = parseConfig(nodeConfigSchema, process.env);
  if (!config.DATABASE_URL) {
    throw new ConfigError([{ variable: "DATABASE_URL", problem: "is required for the origin services (npm start provides it)" }]);
  }
  const origin = await startOrigin({ ...config, DATABASE_URL: config.DATABASE_URL }, selectServices(values.service));
  installShutdown(() => origin.stop(), {
    deadlineMs: defaultShutdownDeadlineMs,
    exit: (code) => process.exit(code),
    onSignal: (signal, handler) => process.on(signal, handler),
    log: (msg, fields) => console.error(JSON.stringify({ level: "info", msg, ...fields })),
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof UnknownServiceError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
