import { deadLetterTopic } from "../../../shared/events/topics.ts";
import type { LogRecord, LogRecordInput } from "../event-log.ts";

export type DeadLetterReason = "handler-failed" | "invalid-event" | "invalid-json";

export interface DeadLetter {
  reason: DeadLetterReason;
  error: unknown;
  attempts: number;
  group: string;
}

const maxStackLines = 12;
const maxHeaderChars = 4_000;

/**
 * The record parked on `<topic>.dlq`: the original key and value untouched (a
 * replay republishes the value), the original headers, and why it failed.
 */
export function deadLetterRecord(record: LogRecord, failure: DeadLetter): LogRecordInput {
  const error = failure.error instanceof Error ? failure.error : new Error(String(failure.error));
  return {
    topic: deadLetterTopic(record.topic),
    key: record.key,
    value: record.value,
    headers: {
      ...record.headers,
      "dlq-reason": failure.reason,
      "dlq-error-message": truncate(`${error.name}: ${error.message}`),
      "dlq-error-stack": truncate(trimStack(error.stack ?? "")),
      "dlq-attempts": String(failure.attempts),
      "dlq-original-topic": record.topic,
      "dlq-original-partition": String(record.partition),
      "dlq-original-offset": record.offset,
      "dlq-consumer-group": failure.group,
      "dlq-failed-at": new Date().toISOString(),
    },
  };
}

/** Our frames only: node_modules and node internals say little about a handler's bug. */
function trimStack(stack: string): string {
  const lines = stack.split("\n");
  const frames = lines.slice(1).filter((line) => !line.includes("node_modules") && !line.includes("node:internal"));
  return [lines[0] ?? "", ...frames.slice(0, maxStackLines)].join("\n");
}

function truncate(text: string): string {
  return text.length <= maxHeaderChars ? text : `${text.slice(0, maxHeaderChars - 1)}…`;
}
