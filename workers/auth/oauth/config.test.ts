import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../../shared/config.ts";
import { oauthConfigSchema } from "./config.ts";
import { clearFlow, openFlow, sealFlow } from "./flow-cookie.ts";

function issuesOf(vars: Record<string, unknown>): Record<string, string> {
  try {
    parseConfig(oauthConfigSchema, vars);
  } catch (error) {
    if (error instanceof ConfigError) return Object.fromEntries(error.issues.map((issue) => [issue.variable, issue.problem]));
    throw error;
  }
  return {};
}

describe("OAuth configuration", () => {
  it("enables only providers with a client id, with the providers' public endpoints by default", () => {
    const settings = parseConfig(oauthConfigSchema, {
      ENVIRONMENT: "production",
      OAUTH_STATE_SECRET: "s".repeat(32),
      OAUTH_YANDEX_CLIENT_ID: "app",
      OAUTH_YANDEX_CLIENT_SECRET: "secret",
      OAUTH_YANDEX_REDIRECT_URI: "https://api.tunec.dev/auth/oauth/yandex/callback",
    });
    expect(Object.keys(settings.providers)).toEqual(["yandex"]);
    expect(settings.providers.yandex).toMatchObject({
      tokenUrl: "https://oauth.yandex.ru/token",
      userInfoUrl: "https://login.yandex.ru/info?format=json",
    });
    expect(settings.allowLoopbackHttp).toBe(false);
  });

  it("names what an enabled provider lacks", () => {
    const issues = issuesOf({ ENVIRONMENT: "production", OAUTH_GOOGLE_CLIENT_ID: "id", OAUTH_VK_CLIENT_ID: "vk" });
    expect(Object.keys(issues).sort()).toEqual(["OAUTH_GOOGLE_CLIENT_SECRET", "OAUTH_GOOGLE_REDIRECT_URI", "OAUTH_STATE_SECRET", "OAUTH_VK_REDIRECT_URI"]);
  });

  it("allows plain http only for loopback providers outside production", () => {
    const local = {
      OAUTH_GOOGLE_CLIENT_ID: "id",
      OAUTH_GOOGLE_CLIENT_SECRET: "secret",
      OAUTH_GOOGLE_REDIRECT_URI: "http://localhost:8787/auth/oauth/google/callback",
      OAUTH_GOOGLE_ISSUER: "http://127.0.0.1:9000",
    };
    expect(issuesOf({ ENVIRONMENT: "development", ...local })).toEqual({});
    expect(Object.keys(issuesOf({ ENVIRONMENT: "production", OAUTH_STATE_SECRET: "s".repeat(32), ...local })).sort()).toEqual([
      "OAUTH_GOOGLE_ISSUER",
      "OAUTH_GOOGLE_REDIRECT_URI",
    ]);
    expect(Object.keys(issuesOf({ ENVIRONMENT: "development", ...local, OAUTH_GOOGLE_ISSUER: "http://idp.example" }))).toEqual(["OAUTH_GOOGLE_ISSUER"]);
  });
});

describe("flow cookie", () => {
  const key = crypto.getRandomValues(new Uint8Array(32));
  const secrets = { provider: "google" as const, state: "s".repeat(43), codeVerifier: "v".repeat(43), nonce: "n".repeat(43) };
  const valueOf = (setCookie: string) => setCookie.split(";")[0] ?? "";

  it("opens what it sealed, for the same provider only", async () => {
    const cookie = valueOf(await sealFlow(secrets, key));
    expect(await openFlow(`other=1; ${cookie}`, "google", key)).toEqual(secrets);
    expect(await openFlow(cookie.replace("google", "vk"), "vk", key)).toBeNull();
  });

  it("refuses a tampered cookie, another key and a cleared one", async () => {
    const cookie = valueOf(await sealFlow(secrets, key));
    const [name, value = ""] = cookie.split("=");
    const flipped = `${name}=${value.slice(0, -2)}${value.endsWith("A") ? "B" : "A"}${value.slice(-1)}`;
    expect(await openFlow(flipped, "google", key)).toBeNull();
    expect(await openFlow(cookie, "google", crypto.getRandomValues(new Uint8Array(32)))).toBeNull();
    expect(await openFlow(valueOf(clearFlow("google")), "google", key)).toBeNull();
  });
});
