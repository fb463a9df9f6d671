import { describe, expect, it } from "vitest";
import { parseTextLines } from "../../../origin/users-import/sources/export-file.ts";
import { exportTextProblem, maxExportLineChars, splitExportLine } from "./export-text.ts";

describe("text export lines", () => {
  it("splits at the first dash with blanks around it, after an optional list number", () => {
    expect(splitExportLine("Кино - Группа крови")).toEqual({ artist: "Кино", title: "Группа крови" });
    expect(splitExportLine("01) Ария — Беспечный ангел")).toEqual({ artist: "Ария", title: "Беспечный ангел" });
    expect(splitExportLine("12. Би-2 – Полковнику никто не пишет - Live")).toEqual({ artist: "Би-2", title: "Полковнику никто не пишет - Live" });
    expect(splitExportLine("123456. A - B")).toEqual({ artist: "123456. A", title: "B" });
    expect(splitExportLine("Би-2")).toBeNull();
    expect(splitExportLine("no separator here")).toBeNull();
    expect(splitExportLine(" - title only")).toBeNull();
  });

  it("parses a hostile 4 MiB file of blank runs in linear time (the old pattern took minutes)", () => {
    const line = `a${"  b".repeat((maxExportLineChars - 1) / 3)}`;
    const text = `${line}\n`.repeat(Math.floor((4 * 1024 * 1024) / (line.length + 1)));
    expect(exportTextProblem(text)).toBeNull();
    const started = performance.now();
    expect(parseTextLines(text)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("refuses what the upload route refuses: over-long lines and too many lines", () => {
    expect(() => parseTextLines(`a${"  b".repeat(1_000_000)}`)).toThrow(/longer than 1000 characters/);
    expect(exportTextProblem("A - B\n".repeat(20_001))).toContain("more than 20000 lines");
    expect(exportTextProblem("A - B\r\n".repeat(100))).toBeNull();
    expect(exportTextProblem(`{"tracks": "${"x".repeat(100_000)}"}`)).toBeNull();
  });
});
