import { describe, expect, it, vi } from "vitest";
import { createLogger } from "../../shared/logger.ts";
import type { ConsumeOptions, EventLog, LogRecord } from "../events/event-log.ts";
import { searchInvalidation } from "./invalidation.ts";

const record = (partition: number): LogRecord => ({
  topic: "tunec.catalog.tracks",
  partition,
  offset: "0",
  key: "k",
  value: "{}",
  headers: {},
  timestamp: new Date(),
});

// The hook that wakes the OpenSearch pump: after the batch's handler resolved (its transactions committed), only for batches that changed the index.
describe("search invalidation", () => {
  it("calls afterCommit once per handled batch that changed the index, after the handler, and not for other batches", async () => {
    const order: string[] = [];
    const afterCommit = vi.fn(() => void order.push("afterCommit"));
    const invalidation = searchInvalidation(null, createLogger({ test: "invalidation" }, "error"), { afterCommit });
    let handle: ConsumeOptions["handle"] | undefined;
    const log: EventLog = {
      ensureTopics: async () => undefined,
      publish: async () => undefined,
      lag: async () => [],
      close: async () => undefined,
      consume: async (options: ConsumeOptions) => {
        handle = options.handle;
        return { stop: async () => undefined };
      },
    };
    await invalidation.wrap(log).consume({
      group: "g",
      topics: ["tunec.catalog.tracks"],
      async handle(records) {
        order.push("handled");
        if (records[0]?.partition === 1) invalidation.changed(records[0]);
      },
    });
    if (!handle) throw new Error("consume was not called");
    await handle([record(0)]);
    expect(afterCommit).not.toHaveBeenCalled();
    await handle([record(1)]);
    expect(afterCommit).toHaveBeenCalledTimes(1);
    expect(order).toEqual(["handled", "handled", "afterCommit"]);
    await handle([record(1)]);
    expect(afterCommit).toHaveBeenCalledTimes(2);
  });
});
