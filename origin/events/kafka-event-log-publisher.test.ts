import { describe, expect, it } from "vitest";
import { produceRequests } from "./kafka-event-log-publisher.ts";

const message = (partition: number, valueBytes: number, topic = "t") => ({ topic, key: "k", value: "x".repeat(valueBytes), headers: {}, partition });

describe("produceRequests", () => {
  it("keeps each partition's bytes in one request under the limit, in order", () => {
    const messages = Array.from({ length: 10 }, (_, index) => ({ ...message(0, 300), key: String(index) }));
    const requests = produceRequests(messages, 1_000);
    // 300 bytes + key + overhead ≈ 333 each: three fit under 1,000.
    expect(requests.map((request) => request.length)).toEqual([3, 3, 3, 1]);
    expect(requests.flat().map((entry) => entry.key)).toEqual(messages.map((entry) => entry.key));
  });

  it("counts bytes per partition: other partitions fill the same request", () => {
    const messages = [message(0, 400), message(1, 400), message(2, 400), message(0, 400), message(1, 400)];
    expect(produceRequests(messages, 1_000).map((request) => request.length)).toEqual([5]);
  });

  it("counts UTF-8 bytes, not characters", () => {
    const cyrillic = { topic: "t", key: "k", value: "ж".repeat(300), headers: {}, partition: 0 };
    // 600 bytes each: one per request under 1,000.
    expect(produceRequests([cyrillic, cyrillic], 1_000).map((request) => request.length)).toEqual([1, 1]);
  });

  it("sends a record over the limit alone instead of dropping or looping", () => {
    expect(produceRequests([message(0, 10), message(0, 5_000), message(0, 10)], 1_000).map((request) => request.length)).toEqual([1, 1, 1]);
  });

  it("caps the records of one request at 5,000", () => {
    const messages = Array.from({ length: 12_000 }, (_, index) => message(index % 64, 1));
    expect(produceRequests(messages).map((request) => request.length)).toEqual([5_000, 5_000, 2_000]);
  });
});
