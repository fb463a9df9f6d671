import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { checkBoundaries } from "./check-boundaries.ts";

const repository = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const trees: string[] = [];

/** A throwaway tree: repository-relative path → source. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "tunec-boundaries-"));
  trees.push(root);
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), source);
  }
  return root;
}

afterEach(() => {
  for (const root of trees.splice(0)) rmSync(root, { recursive: true, force: true });
});

// A small tree that keeps every rule: the cases below each break one.
const clean = {
  "workers/platform/edge/context.ts": `export interface GatewayEnv { Variables: { requestId: string } }\n`,
  "workers/gateway/app.ts": `import { registerBilling } from "../billing/index.ts";\nexport const app = registerBilling;\n`,
  "workers/billing/index.ts": `import { registerSubscribe } from "./routes/subscribe.ts";\nexport const registerBilling = registerSubscribe;\n`,
  "workers/billing/routes/subscribe.ts": `import type { GatewayEnv } from "../../platform/edge/context.ts";\nimport { plans } from "../domain/plans.ts";\nexport function registerSubscribe(env?: GatewayEnv) { return [env, plans]; }\n`,
  "workers/billing/domain/plans.ts": `export const plans = ["monthly"];\n`,
  "workers/billing/testing.ts": `import { app } from "../gateway/app.ts";\nexport const testApp = app;\n`,
  "origin/billing/saga.ts": `import { plans } from "../../workers/billing/domain/plans.ts";\nexport const saga = plans;\n`,
};

describe("check:boundaries", () => {
  it("passes on the repository", () => {
    expect(checkBoundaries(repository).map((v) => v.message)).toEqual([]);
  });

  it("passes on a tree that keeps the rules", () => {
    expect(checkBoundaries(tree(clean))).toEqual([]);
  });

  it("fails on an import cycle, a type-only one included", () => {
    const root = tree({
      ...clean,
      "workers/billing/domain/plans.ts": `import type { Price } from "./prices.ts";\nexport const plans: Price[] = [];\n`,
      "workers/billing/domain/prices.ts": `import { plans } from "./plans.ts";\nexport type Price = number;\nexport const count = plans.length;\n`,
    });
    expect(checkBoundaries(root)).toEqual([{ rule: "cycle", message: "import cycle: workers/billing/domain/plans.ts ↔ workers/billing/domain/prices.ts" }]);
  });

  it("fails on a context importing another context's routes or the gateway", () => {
    const root = tree({
      ...clean,
      "workers/users/likes.ts": `import { registerSubscribe } from "../billing/routes/subscribe.ts";\nimport type { GatewayEnv } from "../gateway/app.ts";\nexport const x = registerSubscribe;\nexport type Y = GatewayEnv;\n`,
    });
    expect(checkBoundaries(root).map((v) => v.rule)).toEqual(["context-boundary", "context-boundary"]);
  });

  it("fails on origin reaching Worker-only code, also through a neutral-looking module", () => {
    const root = tree({
      ...clean,
      "workers/auth/keys.ts": `import { env } from "cloudflare:workers";\nexport const keys = env;\n`,
      "workers/auth/accounts.ts": `import { keys } from "./keys.ts";\nexport const accounts = keys;\n`,
      "origin/auth-claims/claims.ts": `import { accounts } from "../../workers/auth/accounts.ts";\nexport const claims = accounts;\n`,
    });
    expect(checkBoundaries(root)).toEqual([
      {
        rule: "origin-worker-only",
        message: "origin/auth-claims/claims.ts reaches Worker-only code: workers/auth/accounts.ts → workers/auth/keys.ts (imports cloudflare:*)",
      },
    ]);
  });

  it("fails on origin going around a context's domain/, and on domain code that is not runtime-neutral", () => {
    const root = tree({
      ...clean,
      "workers/billing/schemas.ts": `export const schema = {};\n`,
      "workers/billing/domain/plans.ts": `import type { GatewayEnv } from "../../platform/edge/context.ts";\nexport const plans: GatewayEnv[] = [];\n`,
      "origin/billing/saga.ts": `import { schema } from "../../workers/billing/schemas.ts";\nexport const saga = schema;\n`,
    });
    expect(checkBoundaries(root).map((v) => v.rule)).toEqual(["domain", "domain"]);
  });
});
