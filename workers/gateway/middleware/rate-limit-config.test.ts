import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, rateLimitConfigSchema } from "../../../shared/config.ts";
import { ratePolicies } from "./rate-limit.ts";

describe("rate-limit configuration", () => {
  it("has sane defaults and reads <limit>/<window>", () => {
    const policies = ratePolicies(parseConfig(rateLimitConfigSchema, { RATE_LIMIT_LOGIN_IP: "5/30s", RATE_LIMIT_REGISTER: "3/2h" }));
    expect(policies.loginIp).toEqual({ name: "login-ip", limit: 5, periodSeconds: 30 });
    expect(policies.register).toEqual({ name: "register", limit: 3, periodSeconds: 7200 });
    expect(policies.anonymous).toEqual({ name: "anonymous", limit: 120, periodSeconds: 60 });
    expect(policies.loginEmail).toEqual({ name: "login-email", limit: 10, periodSeconds: 900 });
  });

  it("names each malformed variable", () => {
    let error: unknown;
    try {
      parseConfig(rateLimitConfigSchema, { RATE_LIMIT_USER: "600 per minute", RATE_LIMIT_REFRESH: "5000/1s" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.map((issue) => issue.variable).sort()).toEqual(["RATE_LIMIT_REFRESH", "RATE_LIMIT_USER"]);
    expect(issues.find((issue) => issue.variable === "RATE_LIMIT_USER")?.problem).toContain("10/1m");
    expect(issues.find((issue) => issue.variable === "RATE_LIMIT_REFRESH")?.problem).toContain("at most 1000 per second");
  });
});
