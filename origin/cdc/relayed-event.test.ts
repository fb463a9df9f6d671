import { describe, expect, it } from "vitest";
import { outboxEvent } from "./relayed-event.ts";

const envelope = {
  id: "e-1",
  specversion: "1.0",
  type: "tunec.test.v1",
  traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
  data: { n: 1.5 },
};
const row = { id: "e-1", topic: "tunec.test", key: "k-1", type: "tunec.test.v1" };

describe("outboxEvent", () => {
  it("passes an envelope that arrives as JSON text to the log as that very text", () => {
    // jsonb's own rendering (spaces, its key order) is not re-serialised.
    const text =
      '{"id": "e-1", "data": {"n": 1.5}, "type": "tunec.test.v1", "specversion": "1.0", "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}';
    const event = outboxEvent({ ...row, event: text }, "0/1");
    expect(event?.record).toEqual({
      topic: "tunec.test",
      key: "k-1",
      value: text,
      headers: { "content-type": "application/cloudevents+json; charset=utf-8", traceparent: envelope.traceparent },
    });
    expect(event?.traceparent).toBe(envelope.traceparent);
  });

  it("serialises an envelope that arrives as an object", () => {
    const event = outboxEvent({ ...row, event: envelope }, "7");
    expect(event?.record.value).toBe(JSON.stringify(envelope));
  });

  it("refuses rows whose envelope is not a JSON object or whose columns are missing", () => {
    expect(outboxEvent({ ...row, event: "{not json" }, "0/1")).toBeNull();
    expect(outboxEvent({ ...row, event: "[1,2]" }, "0/1")).toBeNull();
    expect(outboxEvent({ ...row, event: "null" }, "0/1")).toBeNull();
    expect(outboxEvent({ ...row, topic: "", event: envelope }, "0/1")).toBeNull();
  });
});
