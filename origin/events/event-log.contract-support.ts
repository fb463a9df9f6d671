/** Small helpers of the EventLog contract suite (event-log.contract.ts). */
import type { LogRecord } from "./event-log.ts";
import { partitionFor } from "./partitioner.ts";

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A name no other run on a shared broker or database uses. */
export function unique(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

/** Identity of a record within its topic: at-least-once delivery may repeat it. */
export function positionOf(record: LogRecord): string {
  return `${record.topic}/${record.partition}/${record.offset}`;
}

/** A key that `partitionFor` maps to `partition` of `partitions`. */
export function keyFor(partition: number, partitions: number, prefix = "key"): string {
  for (let index = 0; index < 10_000; index++) {
    const key = `${prefix}-${index}`;
    if (partitionFor(key, partitions) === partition) return key;
  }
  throw new Error(`no key found for partition ${partition} of ${partitions}`);
}

export interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

export function deferred(): Deferred {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Polls `condition` every 50 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}
