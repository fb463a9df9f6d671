import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { exportJWK, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import type { WorkerBindings } from "../platform/bindings.ts";
import worker from "./index.ts";

async function call(bindings: WorkerBindings, path: string): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`https://tunec.test${path}`) as Request<unknown, IncomingRequestCfProperties>, bindings, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe("the Worker deployed without its production secrets", () => {
  it("answers 503 on every route, naming no secret, instead of running on development defaults", async () => {
    // Signing keys alone are not enough: payment and URL-signing secrets are checked at the same time.
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: "k1", alg: "ES256", use: "sig", status: "active" };
    const bindings = { ...(env as unknown as WorkerBindings), ENVIRONMENT: "production", JWT_SIGNING_KEYS: JSON.stringify([jwk]) };
    for (const path of ["/ping", "/tracks", "/.well-known/jwks.json"]) {
      const response = await call(bindings, path);
      expect(response.status).toBe(503);
      const body = await response.text();
      expect(body).toContain("misconfigured");
      expect(body).not.toMatch(/SBP_PASSWORD|UPLOAD_SIGNING_KEY/);
    }
  });

  it("treats a deploy with no ENVIRONMENT at all as production", async () => {
    const { ENVIRONMENT: _dropped, ...rest } = env as unknown as WorkerBindings;
    expect((await call(rest as WorkerBindings, "/ping")).status).toBe(503);
  });

  it("serves under the test environment the suites bind", async () => {
    expect((await call(env as unknown as WorkerBindings, "/ping")).status).toBe(200);
  });
});
