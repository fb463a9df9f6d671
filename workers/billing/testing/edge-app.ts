/** The gateway wired like the Worker but with in-memory payment providers (workerd tests only). */
import { env } from "cloudflare:test";
import { createLogger } from "../../../shared/logger.ts";
import { createWorkerAuth } from "../../auth/worker-services.ts";
import { createGatewayApp } from "../../gateway/app.ts";
import { createEdgeDatabase } from "../../platform/edge-database.ts";
import { paymentProviders } from "../domain/payment-providers.ts";
import { createFakeProvider, type FakeProvider } from "./fake-provider.ts";

export const base = "https://tunec.test";

export function billingApp(): { sbp: FakeProvider; usdt: FakeProvider; request: (path: string, init?: RequestInit) => Promise<Response> } {
  const sbp = createFakeProvider({ name: "fake-sbp", method: "sbp" });
  const usdt = createFakeProvider({ name: "fake-usdt", method: "usdt" });
  const payments = paymentProviders([sbp, usdt]);
  const auth = createWorkerAuth(env, createLogger({ service: "test" }, "error"));
  const app = createGatewayApp({
    logLevel: "error",
    services: () => {
      const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
      return { services: { db, auth, payments }, release: () => db.destroy() };
    },
  });
  return { sbp, usdt, request: async (path, init) => app.request(path.startsWith("http") ? path : `${base}${path}`, init, env) };
}

export function subscribeRequest(token: string | null, body: unknown, key: string | null = crypto.randomUUID()): RequestInit {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (key !== null) headers["idempotency-key"] = key;
  return { method: "POST", headers, body: JSON.stringify(body) };
}
