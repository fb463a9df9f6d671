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
