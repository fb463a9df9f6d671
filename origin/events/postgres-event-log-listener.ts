/**
 * The LISTEN side of the embedded log's wake-up hint: one dedicated connection
 * that turns notifications into immediate fetches. Consumers poll anyway, so a
 * lost notification (NOTIFY drops them while nobody listens, e.g. during a
 * reconnect) only delays a fetch by one poll interval.
 */
import pg from "pg";
import type { Logger } from "../../shared/logger.ts";
import { logChannel } from "./postgres-event-log-append.ts";

export interface LogListener {
  close(): Promise<void>;
}

/**
 * Listens on `logChannel` until closed, reconnecting after failures. Resolves
 * null on PGlite: its single session delivers notifications to whichever
 * client runs the next query, never reliably to a listener.
 */
export async function listenForLogChanges(url: string, onPayload: (payload: string) => void, logger: Logger): Promise<LogListener | null> {
  let closed = false;
  let client: pg.Client | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const connect = async (): Promise<boolean> => {
    const next = new pg.Client({ connectionString: url, application_name: "tunec-event-log-listener" });
    next.on("error", () => undefined);
    next.on("notification", (message) => onPayload(message.payload ?? ""));
    next.on("end", () => {
      if (client === next && !closed) schedule();
    });
    await next.connect();
    const version = await next.query<{ version: string }>("select version() as version");
    if (version.rows[0]?.version.includes("PGlite")) {
      await next.end();
      return false;
    }
    await next.query(`listen ${logChannel}`);
    client = next;
    // Whatever was published while we were not listening.
    onPayload("*");
    return true;
  };

  const schedule = (): void => {
    client = null;
    retry = setTimeout(() => {
      connect().catch((error: unknown) => {
        logger.warn("event log listener could not reconnect; consumers keep polling", { error });
        if (!closed) schedule();
      });
    }, 1_000);
  };

  if (!(await connect())) return null;
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      const current = client;
      client = null;
      await current?.end().catch(() => undefined);
    },
  };
}
