import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../../../shared/config.ts";
import { paymentProvidersConfigSchema, productionEndpoints, sandboxCredentials } from "./config.ts";

describe("payment provider configuration", () => {
  it("points at the local sandboxes outside production", () => {
    const config = parseConfig(paymentProvidersConfigSchema, { ENVIRONMENT: "development", SBP_SANDBOX_PORT: "9790" });
    expect(config.sbp).toMatchObject({
      apiUrl: "http://127.0.0.1:9790/v2",
      password: sandboxCredentials.SBP_PASSWORD,
      notificationUrl: "http://127.0.0.1:8787/billing/callbacks/tbank",
    });
    expect(config.usdt).toMatchObject({ apiUrl: "http://127.0.0.1:8791/v1", tronNodeUrl: "http://127.0.0.1:8791/tron", requiredConfirmations: 19 });
  });

  it("points at the real providers in production and requires their credentials", () => {
    const config = parseConfig(paymentProvidersConfigSchema, {
      ENVIRONMENT: "production",
      BILLING_CALLBACK_BASE_URL: "https://api.tunec.example/",
      SBP_TERMINAL_KEY: "1700000000000",
      SBP_PASSWORD: "real-password",
      USDT_API_KEY: "real-key",
      USDT_IPN_SECRET: "real-ipn-secret",
      USDT_REQUIRED_CONFIRMATIONS: "25",
    });
    expect(config.sbp).toMatchObject({ apiUrl: productionEndpoints.SBP_API_URL, notificationUrl: "https://api.tunec.example/billing/callbacks/tbank" });
    expect(config.usdt).toMatchObject({
      apiUrl: productionEndpoints.USDT_API_URL,
      tronNodeUrl: productionEndpoints.USDT_TRON_NODE_URL,
      requiredConfirmations: 25,
      accountEmail: undefined,
    });
  });

  it("names every missing or sandbox credential in production", () => {
    let error: unknown;
    try {
      parseConfig(paymentProvidersConfigSchema, { ENVIRONMENT: "production", SBP_PASSWORD: sandboxCredentials.SBP_PASSWORD });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const variables = (error as ConfigError).issues.map((issue) => issue.variable);
    expect(variables).toEqual(expect.arrayContaining(["BILLING_CALLBACK_BASE_URL", "SBP_TERMINAL_KEY", "SBP_PASSWORD", "USDT_API_KEY", "USDT_IPN_SECRET"]));
  });
});
