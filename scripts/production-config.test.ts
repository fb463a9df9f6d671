import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../shared/config.ts";
import { generateSigningKey } from "../workers/auth/signing-keys.ts";
import { sandboxCredentials } from "../workers/billing/providers/config.ts";
import { checkProductionConfig } from "../workers/platform/production-checks.ts";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");

/** The plain-text vars `wrangler deploy --dry-run` lists for the committed wrangler.toml. */
async function deployedVars(): Promise<Record<string, string>> {
  const outdir = await mkdtemp(join(tmpdir(), "tunec-dry-run-"));
  try {
    const { stdout } = await run(join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", outdir], {
      cwd: root,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
      timeout: 120_000,
    });
    return Object.fromEntries([...stdout.matchAll(/^env\.([A-Z_]+) \("([^"\n]*)"\)\s+Environment Variable/gm)].map((match) => [match[1], match[2]]));
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

const realSecrets = {
  BILLING_CALLBACK_BASE_URL: "https://api.tunec.dev",
  SBP_TERMINAL_KEY: "1700000000000",
  SBP_PASSWORD: "a-real-terminal-password",
  USDT_API_KEY: "REAL-NOWPAYMENTS-KEY",
  USDT_IPN_SECRET: "a-real-ipn-secret",
  JWT_SIGNING_KEYS: JSON.stringify([await generateSigningKey()]),
  MEDIA_SIGNING_KEY: "A".repeat(43),
};

const issuesOf = (env: Record<string, unknown>) => {
  try {
    checkProductionConfig(env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((issue) => issue.variable);
  }
};

describe("the production configuration (wrangler deploy --dry-run)", () => {
  it("deploys in production mode, so the production checks are on", { timeout: 120_000 }, async () => {
    const vars = await deployedVars();
    expect(vars.LOG_LEVEL).toBe("info");
    expect(vars.ENVIRONMENT).toBe("production");
    // The deployed vars alone (no secrets yet): the Worker refuses to start.
    expect(issuesOf(vars)).toEqual(expect.arrayContaining(["SBP_PASSWORD", "USDT_IPN_SECRET", "JWT_SIGNING_KEYS", "MEDIA_SIGNING_KEY"]));
  });

  it("refuses every sandbox credential in production, whatever else is set", () => {
    expect(() => checkProductionConfig({ ENVIRONMENT: "production", ...realSecrets })).not.toThrow();
    for (const [name, value] of Object.entries(sandboxCredentials)) {
      const env = { ENVIRONMENT: "production", ...realSecrets, PAYMENT_SANDBOX_HOST: "127.0.0.1", SBP_API_URL: "http://127.0.0.1:8790/v2", [name]: value };
      expect(issuesOf(env)).toContain(name);
    }
    // Unset ENVIRONMENT is production too.
    expect(issuesOf({ ...realSecrets, SBP_PASSWORD: sandboxCredentials.SBP_PASSWORD })).toContain("SBP_PASSWORD");
    expect(issuesOf({ ENVIRONMENT: "development" })).toEqual([]);
  });
});
