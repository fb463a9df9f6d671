import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { exportJWK, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../shared/config.ts";
import { dataFileSources, type DataFileName } from "../../shared/data-files.ts";
import { sandboxCredentials } from "../billing/domain/providers/config.ts";
import { assertProductionConfig, isProduction } from "./production-config.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

function issuesOf(bindings: Record<string, unknown>): string[] {
  try {
    assertProductionConfig(bindings);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((issue) => `${issue.variable}: ${issue.problem}`);
  }
}

async function productionBindings(): Promise<Record<string, unknown>> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: "k1", alg: "ES256", use: "sig", status: "active" };
  return {
    JWT_SIGNING_KEYS: JSON.stringify([jwk]),
    UPLOAD_SIGNING_KEY: "u".repeat(44),
    S3_ENDPOINT: "https://0123456789abcdef.r2.cloudflarestorage.com",
    S3_BUCKET: "tunec-media",
    S3_ACCESS_KEY_ID: "r2-access-key",
    S3_SECRET_ACCESS_KEY: "r2-secret-key",
    MEDIA_SIGNING_KEY: "m".repeat(44),
    SUBSONIC_SECRET_KEY: "s".repeat(44),
    BILLING_CALLBACK_BASE_URL: "https://api.tunec.example",
    SBP_TERMINAL_KEY: "1700000000000",
    SBP_PASSWORD: "real-password",
    USDT_API_KEY: "real-key",
    USDT_IPN_SECRET: "real-ipn-secret",
  };
}

describe("the production configuration", () => {
  it("is what `wrangler deploy` ships from the committed wrangler.toml", async () => {
    const outdir = await mkdtemp(join(tmpdir(), "tunec-deploy-"));
    try {
      const { stdout } = await promisify(execFile)(join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", outdir], {
        cwd: root,
        env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
        timeout: 90_000,
      });
      expect(stdout).toContain('env.ENVIRONMENT ("production")');
      expect(stdout).not.toMatch(/ENVIRONMENT \("(development|test)"\)/);

      // The data files ship as static assets (copied by [build]), not inside the script.
      for (const name of Object.keys(dataFileSources) as DataFileName[]) {
        expect(await readFile(join(root, "public", "_data", name), "utf8")).toBe(await readFile(join(root, dataFileSources[name]), "utf8"));
      }
      const script = await readFile(join(outdir, "index.js"), "utf8");
      expect(script).not.toContain("0!qaz2wsx"); // the list's first line
      expect(script).not.toMatch(/Такого адреса нет|\\u0422\\u0430\\u043a\\u043e\\u0433\\u043e/i);
      // Issue 18's budget: every uploaded module, gzipped, at most 350 KiB.
      let gzipped = 0;
      for (const file of await readdir(outdir)) {
        if (file.endsWith(".js") || file.endsWith(".wasm")) gzipped += gzipSync(await readFile(join(outdir, file))).byteLength;
      }
      expect(gzipped / 1024).toBeLessThanOrEqual(350);
    } finally {
      await rm(outdir, { recursive: true, force: true });
    }
  }, 120_000);

  it("treats a Worker without ENVIRONMENT as production; only development and test opt out", () => {
    expect(isProduction({})).toBe(true);
    expect(isProduction({ ENVIRONMENT: "staging" })).toBe(true);
    expect(isProduction({ ENVIRONMENT: "production" })).toBe(true);
    expect(isProduction({ ENVIRONMENT: "development" })).toBe(false);
    expect(isProduction({ ENVIRONMENT: "test" })).toBe(false);
  });

  it("names every missing secret at once", () => {
    const issues = issuesOf({ ENVIRONMENT: "production" }).join("\n");
    for (const name of [
      "JWT_SIGNING_KEYS",
      "UPLOAD_SIGNING_KEY",
      "S3_BUCKET",
      "MEDIA_SIGNING_KEY",
      "SUBSONIC_SECRET_KEY",
      "BILLING_CALLBACK_BASE_URL",
      "SBP_TERMINAL_KEY",
      "SBP_PASSWORD",
      "USDT_API_KEY",
      "USDT_IPN_SECRET",
    ]) {
      expect(issues).toContain(name);
    }
  });

  it("refuses the public sandbox credentials and sandbox endpoints whatever else is set", async () => {
    const good = await productionBindings();
    expect(issuesOf({ ...good, ENVIRONMENT: "production" })).toEqual([]);
    expect(issuesOf(good)).toEqual([]);
    const sandbox = issuesOf({
      ...good,
      SBP_PASSWORD: sandboxCredentials.SBP_PASSWORD,
      USDT_IPN_SECRET: sandboxCredentials.USDT_IPN_SECRET,
      PAYMENT_SANDBOX_HOST: "127.0.0.1",
    });
    expect(sandbox.join("\n")).toMatch(/SBP_PASSWORD: .*sandbox/);
    expect(sandbox.join("\n")).toMatch(/USDT_IPN_SECRET: .*sandbox/);
    const endpoints = issuesOf({ ...good, SBP_API_URL: "http://127.0.0.1:8790/v2", BILLING_CALLBACK_BASE_URL: "http://127.0.0.1:8787" }).join("\n");
    expect(endpoints).toMatch(/SBP_API_URL: .*https/);
    expect(endpoints).toMatch(/BILLING_CALLBACK_BASE_URL: .*https/);
  });

  it("never echoes a secret's value in its message", () => {
    const issues = issuesOf({ JWT_SIGNING_KEYS: '[{"d":"very-secret-private-part"}]', SBP_PASSWORD: sandboxCredentials.SBP_PASSWORD }).join("\n");
    expect(issues).toContain("JWT_SIGNING_KEYS");
    expect(issues).not.toContain("very-secret-private-part");
    expect(issues).not.toContain(sandboxCredentials.SBP_PASSWORD);
  });

  it("leaves development and tests to their own lazy checks", () => {
    expect(issuesOf({ ENVIRONMENT: "development" })).toEqual([]);
    expect(issuesOf({ ENVIRONMENT: "test" })).toEqual([]);
  });
});
