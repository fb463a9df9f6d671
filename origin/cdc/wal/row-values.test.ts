import { describe, expect, it } from "vitest";
import { jsonValueParser, timestamptzJson } from "./row-values.ts";

describe("pgoutput values rendered as to_jsonb renders them", () => {
  it("turns timestamptz text into the XSD form with a +00:00 offset", () => {
    expect(timestamptzJson("2026-05-01 10:00:00.123456+00")).toBe("2026-05-01T10:00:00.123456+00:00");
    expect(timestamptzJson("2026-05-01 10:00:00+05:30")).toBe("2026-05-01T10:00:00+05:30");
  });

  it("parses booleans, numbers, json and arrays; leaves text and uuids alone", () => {
    expect(jsonValueParser(16)("t")).toBe(true);
    expect(jsonValueParser(16)("f")).toBe(false);
    expect(jsonValueParser(23)("215000")).toBe(215000);
    expect(jsonValueParser(1700)("-14.20")).toBe(-14.2);
    expect(jsonValueParser(1700)("NaN")).toBe("NaN");
    expect(jsonValueParser(3802)('{"a":[1]}')).toEqual({ a: [1] });
    expect(jsonValueParser(1009)('{rock,"hip hop"}')).toEqual(["rock", "hip hop"]);
    expect(jsonValueParser(2950)("9f0c2a52-55b6-4f4b-9a57-0b8f7c1f3e11")).toBe("9f0c2a52-55b6-4f4b-9a57-0b8f7c1f3e11");
    expect(jsonValueParser(25)("Кино")).toBe("Кино");
    expect(jsonValueParser(1082)("2026-05-01")).toBe("2026-05-01");
  });
});
