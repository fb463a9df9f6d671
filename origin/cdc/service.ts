import type { OriginService } from "../service.ts";
import { createEventLog } from "../events/event-log-factory.ts";
import { startCdc } from "./cdc.ts";

/** `--service cdc`: moves outbox rows and catalog changes to the event log. */
export const cdcService: OriginService = {
  name: "cdc",
  description: "CDC (CDP): outbox rows and catalog.tracks changes → event log (WAL logical replication, or triggers on PGlite)",
  async start({ config, db, log }) {
    const backbone = createEventLog(config, db, log);
    try {
      const cdc = await startCdc({
        db,
        connectionString: config.DATABASE_URL,
        mode: config.CDC_MODE,
        slot: config.CDC_SLOT,
        log: backbone.log,
        sink: backbone.sameDatabase ? { kind: "same-transaction", ...backbone.sameDatabase } : { kind: "external", log: backbone.log },
        logger: log,
        outboxRetentionMinutes: config.CDC_OUTBOX_RETENTION_MINUTES,
      });
      return {
        async stop() {
          await cdc.stop();
          await backbone.log.close();
        },
      };
    } catch (error) {
      await backbone.log.close();
      throw error;
    }
  },
};
