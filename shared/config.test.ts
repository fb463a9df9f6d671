import { describe, expect, it } from "vitest";
import { ConfigError, nodeConfigSchema, parseConfig } from "./config.ts";

describe("configuration", () => {
  it("fills defaults for the embedded setup", () => {
    const config = parseConfig(nodeConfigSchema, {});
    expect(config).toMatchObject({ DATA_DIR: ".data", GATEWAY_PORT: 8787, EMBEDDED_DB_PORT: 54329, LOG_LEVEL: "info" });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it("parses real values", () => {
    const config = parseConfig(nodeConfigSchema, {
      DATABASE_URL: "postgres://u:p@db:5432/tunec",
      GATEWAY_PORT: "9000",
      KAFKA_BROKERS: "127.0.0.1:19092, 127.0.0.1:19094",
    });
    expect(config.GATEWAY_PORT).toBe(9000);
    expect(config.KAFKA_BROKERS).toEqual(["127.0.0.1:19092", "127.0.0.1:19094"]);
  });

  it("treats empty variables as unset", () => {
    expect(parseConfig(nodeConfigSchema, { DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
  });

  it("names every offending variable and what it expects, in one error", () => {
    let caught: unknown;
    try {
      parseConfig(nodeConfigSchema, { GATEWAY_PORT: "eighty", DATABASE_URL: "mysql://x", LOG_LEVEL: "loud", KAFKA_BROKERS: "kafka" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.issues.map((i) => i.variable).sort()).toEqual(["DATABASE_URL", "GATEWAY_PORT", "KAFKA_BROKERS.0", "LOG_LEVEL"]);
    expect(error.message).toContain('GATEWAY_PORT: expected a TCP port number (1-65535), got "eighty"');
    expect(error.message).toContain("DATABASE_URL: expected a PostgreSQL URL");
    expect(error.message).toContain("LOG_LEVEL: expected one of debug, info, warn, error");
  });

  it("refuses out-of-range ports", () => {
    expect(() => parseConfig(nodeConfigSchema, { EMBEDDED_DB_PORT: "70000" })).toThrow(/EMBEDDED_DB_PORT/);
  });
});
