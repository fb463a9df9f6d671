import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger, lazyChild, type Logger } from "./logger.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("lazyChild", () => {
  it("builds the child only when a line is written, once, and writes its fields", () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    const base = createLogger({ service: "test" }, "info");
    const child = vi.spyOn(base, "child");
    let built = 0;
    const logger: Logger = lazyChild(base, () => {
      built++;
      return { eventId: "e-1" };
    });
    expect(built).toBe(0);
    logger.info("first");
    logger.info("second", { more: 1 });
    expect(built).toBe(1);
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines.map((line) => JSON.parse(line))).toMatchObject([
      { msg: "first", service: "test", eventId: "e-1" },
      { msg: "second", service: "test", eventId: "e-1", more: 1 },
    ]);
  });
});

describe("errors in log lines", () => {
  it("carry their code, cause and an AggregateError's inner errors, bounded", () => {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void lines.push(line));
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    const broker = Object.assign(new Error("The request included a message larger than the max message size"), { code: "MESSAGE_TOO_LARGE" });
    const inner = Array.from({ length: 7 }, () => broker);
    const error = new AggregateError(inner, "Producing messages failed.", { cause: new Error("socket closed") });
    createLogger({ service: "test" }, "info").error("storing failed", { error });
    const line = JSON.parse(lines[0] ?? "{}");
    expect(line.error).toMatchObject({
      name: "AggregateError",
      message: "Producing messages failed.",
      cause: { message: "socket closed" },
      moreErrors: 2,
    });
    expect(line.error.errors).toHaveLength(5);
    expect(line.error.errors[0]).toMatchObject({ code: "MESSAGE_TOO_LARGE", message: "The request included a message larger than the max message size" });
  });
});
