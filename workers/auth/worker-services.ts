/**
 * The Workers adapter of the auth context: the only auth file that knows about
 * bindings and WebAssembly modules. Built once per isolate by the entry.
 */
import argon2Wasm from "@phi-ag/argon2/argon2.wasm";
import { parseConfig } from "../../shared/config.ts";
import type { Logger } from "../../shared/logger.ts";
import type { WorkerBindings } from "../platform/bindings.ts";
import { authConfigSchema } from "./config.ts";
import { createArgon2Hasher } from "./password-hasher.ts";
import type { AuthServices } from "./services.ts";
import type { SessionStore } from "./session-store.ts";
import { createKeyRing, generateSigningKey, type KeyRing } from "./signing-keys.ts";

/** Throws `ConfigError` naming each bad auth variable (the entry turns it into a 503 and a log line). */
export function createWorkerAuth(env: WorkerBindings, log: Logger): AuthServices {
  const config = parseConfig(authConfigSchema, {
    ENVIRONMENT: env.ENVIRONMENT,
    JWT_SIGNING_KEYS: env.JWT_SIGNING_KEYS,
    JWT_ISSUER: env.JWT_ISSUER,
    JWT_AUDIENCE: env.JWT_AUDIENCE,
  });
  let ring: Promise<KeyRing> | undefined;
  const configured = config.JWT_SIGNING_KEYS;
  return {
    // Instantiating a precompiled module is synchronous and allowed in workerd.
    passwords: createArgon2Hasher(new WebAssembly.Instance(argon2Wasm)),
    keys() {
      ring ??= configured
        ? createKeyRing(configured)
        : generateSigningKey().then((key) => {
            log.warn("JWT_SIGNING_KEYS is not set: signing with an ephemeral key that dies with this isolate");
            return createKeyRing([key]);
          });
      return ring;
    },
    tokens: { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
    sessions: {
      forUser(userId: string): SessionStore {
        return env.SESSIONS.get(env.SESSIONS.idFromName(userId));
      },
    },
  };
}
