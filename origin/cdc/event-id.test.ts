import { describe, expect, it } from "vitest";
import { changeEventId, uuidV5 } from "./event-id.ts";
import { formatLsn, parseLsn } from "./lsn.ts";

describe("CDC event ids", () => {
  it("computes RFC 9562 version-5 uuids (the RFC's own example)", () => {
    expect(uuidV5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe("2ed6657d-e927-568b-95e1-2665a8aea6a2");
  });

  it("gives a replayed change the same id, and any other change another", () => {
    const change = { slot: "tunec_cdc", lsn: "0/16B3748", table: "catalog.tracks", key: "9f0c2a52-55b6-4f4b-9a57-0b8f7c1f3e11" };
    expect(changeEventId(change)).toBe(changeEventId({ ...change }));
    expect(changeEventId(change)).not.toBe(changeEventId({ ...change, lsn: "0/16B3750" }));
    expect(changeEventId(change)).not.toBe(changeEventId({ ...change, slot: "other" }));
    expect(changeEventId(change)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("pg_lsn arithmetic", () => {
  it("parses and formats both halves", () => {
    expect(parseLsn("16/B374D848")).toBe((0x16n << 32n) | 0xb374d848n);
    expect(formatLsn(parseLsn("16/B374D848") - 1n)).toBe("16/B374D847");
    expect(formatLsn(parseLsn("1/0") - 1n)).toBe("0/FFFFFFFF");
    expect(() => parseLsn("nope")).toThrow(/not a pg_lsn/);
  });
});
