/** Helpers for the auth tests in workerd (not shipped code paths). */
import { env, SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { createLogger } from "../../shared/logger.ts";
import { createGatewayApp } from "../gateway/app.ts";
import { createEdgeDatabase } from "../platform/edge-database.ts";
import { setRoles, type Role } from "./accounts.ts";
import type { SigningKeyConfig } from "./signing-keys.ts";
import { createWorkerAuth } from "./worker-services.ts";

export const strongPassword = "tuna swims under the midnight bridge";

export interface Tokens {
  access_token: string;
  refresh_token: string;
  session_id: string;
  expires_in: number;
}

export function uniqueEmail(prefix = "listener"): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 12)}@example.com`;
}

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(`https://tunec.test${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

export function getWithToken(path: string, accessToken: string, method = "GET"): Promise<Response> {
  return SELF.fetch(`https://tunec.test${path}`, { method, headers: { authorization: `Bearer ${accessToken}` } });
}

/** Registers an account and signs it in; throws unless both succeed. */
export async function signUp(email = uniqueEmail(), device?: string): Promise<Tokens & { email: string }> {
  const registered = await postJson("/auth/register", { email, password: strongPassword });
  if (registered.status !== 202) throw new Error(`register answered ${registered.status}: ${await registered.text()}`);
  return { ...(await signIn(email, device)), email };
}

export async function signIn(email: string, device?: string): Promise<Tokens> {
  const response = await postJson("/auth/login", { email, password: strongPassword }, device ? { "x-device-name": device } : {});
  if (response.status !== 200) throw new Error(`login answered ${response.status}: ${await response.text()}`);
  return response.json<Tokens>();
}

export async function refresh(refreshToken: string): Promise<Response> {
  return postJson("/auth/refresh", { refresh_token: refreshToken });
}

/**
 * The gateway app wired like the Worker but with signing keys of the test's
 * choosing, served through `app.request` (same Session DO namespace and database).
 */
export function appWithKeys(keys: readonly SigningKeyConfig[]): { request: (path: string, init?: RequestInit) => Promise<Response> } {
  const auth = createWorkerAuth({ ...env, JWT_SIGNING_KEYS: JSON.stringify(keys) }, createLogger({ service: "test" }, "error"));
  const app = createGatewayApp({
    logLevel: "error",
    services: () => {
      const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
      return { services: { db, auth }, release: () => db.destroy() };
    },
  });
  return { request: async (path, init) => app.request(`https://tunec.test${path}`, init, env) };
}

export async function loginOn(app: { request: (path: string, init?: RequestInit) => Promise<Response> }, email: string): Promise<Tokens> {
  const response = await app.request("/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: strongPassword }),
  });
  if (response.status !== 200) throw new Error(`login answered ${response.status}: ${await response.text()}`);
  return response.json<Tokens>();
}

/** A new account with these roles, signed in again so its access token carries them. */
export async function signUpWithRoles(roles: Role[]): Promise<Tokens> {
  const tokens = await signUp();
  const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
  try {
    await setRoles(db, String(decodeJwt(tokens.access_token).sub), roles);
  } finally {
    await db.destroy();
  }
  return (await refresh(tokens.refresh_token)).json<Tokens>();
}
