import { describe, expect, it } from "vitest";
import { deadLetterRecord } from "./dead-letter.ts";

describe("deadLetterRecord", () => {
  it("keeps key, value and headers and adds the failure", () => {
    const record = { topic: "tunec.playback", partition: 2, offset: "41", key: "u-1", value: '{"x":1}', headers: { traceparent: "t" }, timestamp: new Date() };
    const error = new Error("boom");
    error.stack = [
      "Error: boom",
      ...Array.from({ length: 30 }, (_, i) => `    at f${i} (/work/main/origin/x.ts:${i}:1)`),
      "    at g (/work/main/node_modules/kysely/dist/x.js:1:1)",
    ].join("\n");
    const dead = deadLetterRecord(record, { reason: "handler-failed", error, attempts: 5, group: "indexer" });
    expect(dead).toMatchObject({ topic: "tunec.playback.dlq", key: "u-1", value: '{"x":1}' });
    expect(dead.headers).toMatchObject({
      traceparent: "t",
      "dlq-reason": "handler-failed",
      "dlq-error-message": "Error: boom",
      "dlq-attempts": "5",
      "dlq-original-topic": "tunec.playback",
      "dlq-original-partition": "2",
      "dlq-original-offset": "41",
      "dlq-consumer-group": "indexer",
    });
    const stack = dead.headers?.["dlq-error-stack"] ?? "";
    expect(stack.split("\n")).toHaveLength(13);
    expect(stack).not.toContain("node_modules");
  });

  it("describes thrown non-errors", () => {
    const record = { topic: "t", partition: 0, offset: "0", key: "k", value: "v", headers: {}, timestamp: new Date() };
    expect(deadLetterRecord(record, { reason: "handler-failed", error: "nope", attempts: 1, group: "g" }).headers?.["dlq-error-message"]).toBe("Error: nope");
  });
});
