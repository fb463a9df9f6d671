/** Test support for consumer suites: publishing catalogue events, collecting records and log lines. */
import { type EventDataInput, type EventType, type TunecEvent } from "../../../shared/events/catalog.ts";
import { buildEvent, type EventInput } from "../../../shared/events/build.ts";
import type { LogFields, Logger } from "../../../shared/logger.ts";
import type { EventLog, LogRecord } from "../event-log.ts";

/** Builds a valid event of `type` and publishes it on `topic` with the catalogue's key. */
export async function publishEvent<T extends EventType>(
  log: EventLog,
  topic: string,
  type: T,
  data: EventDataInput<T>,
  extra: Partial<Omit<EventInput<T>, "type" | "data">> = {},
): Promise<TunecEvent<T>> {
  const { event, key } = buildEvent({ type, data, source: "/tunec/test", ...extra });
  await log.publish([{ topic, key, value: JSON.stringify(event) }]);
  return event;
}

/** Reads every record of `topic` from the start, through a throwaway group. */
export async function collect(log: EventLog, topic: string) {
  const records: LogRecord[] = [];
  const consumer = await log.consume({
    group: `collector-${crypto.randomUUID()}`,
    topics: [topic],
    async handle(batch) {
      records.push(...batch);
    },
  });
  return {
    records,
    stop: () => consumer.stop(),
  };
}

export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface LogLine extends LogFields {
  level: string;
  msg: string;
}

/** A Logger that keeps its lines in memory, child fields included. */
export function recordingLogger(lines: LogLine[] = [], bound: LogFields = {}): Logger & { lines: LogLine[] } {
  const write =
    (level: string) =>
    (msg: string, fields: LogFields = {}) => {
      lines.push({ ...bound, ...fields, level, msg });
    };
  return {
    lines,
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    child: (fields) => recordingLogger(lines, { ...bound, ...fields }),
  };
}
