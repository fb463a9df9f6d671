import { describe, expect, it } from "vitest";
import { createTestDatabase } from "../shared/testing/test-database.ts";
import { nodeConfigSchema, parseConfig } from "../shared/config.ts";
import { selectServices, startOrigin, UnknownServiceError } from "./runtime.ts";
import type { OriginService } from "./service.ts";

function recordingService(name: string, events: string[], failOnStart = false): OriginService {
  return {
    name,
    description: `test service ${name}`,
    async start(context) {
      if (failOnStart) throw new Error(`${name} cannot start`);
      await context.db.selectNoFrom((eb) => eb.lit(1).as("one")).execute();
      events.push(`start ${name}`);
      return {
        async stop() {
          events.push(`stop ${name}`);
        },
      };
    },
  };
}

describe("origin runtime", () => {
  const registry = [recordingService("a", []), recordingService("b", [])];

  it("selects services by name, or all of them", () => {
    expect(selectServices([], registry).map((s) => s.name)).toEqual(["a", "b"]);
    expect(selectServices(["b"], registry).map((s) => s.name)).toEqual(["b"]);
  });

  it("refuses unknown service names, listing the known ones", () => {
    expect(() => selectServices(["b", "nope"], registry)).toThrow(UnknownServiceError);
    expect(() => selectServices(["nope"], registry)).toThrow("Unknown service nope; known services: a, b");
  });

  it("starts services in order and stops them in reverse", async () => {
    const database = await createTestDatabase("pglite", { migrate: false });
    try {
      const events: string[] = [];
      const config = { ...parseConfig(nodeConfigSchema, {}), DATABASE_URL: database.url };
      const origin = await startOrigin(config, [recordingService("a", events), recordingService("b", events)]);
      expect(origin.services).toEqual(["a", "b"]);
      await origin.stop();
      expect(events).toEqual(["start a", "start b", "stop b", "stop a"]);
    } finally {
      await database.drop();
    }
  });

  it("stops what already started when a later service fails to start", async () => {
    const database = await createTestDatabase("pglite", { migrate: false });
    try {
      const events: string[] = [];
      const config = { ...parseConfig(nodeConfigSchema, {}), DATABASE_URL: database.url };
      await expect(startOrigin(config, [recordingService("a", events), recordingService("b", events, true)])).rejects.toThrow("b cannot start");
      expect(events).toEqual(["start a", "stop a"]);
    } finally {
      await database.drop();
    }
  });
});
