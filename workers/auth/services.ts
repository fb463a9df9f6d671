import type { TokenSettings } from "./access-token.ts";
import type { PasswordHasher } from "./password-hasher.ts";
import type { SessionDirectory } from "./session-store.ts";
import type { KeyRing } from "./signing-keys.ts";

/**
 * What the auth routes and the gateway's authentication need, built by the
 * runtime's entry (workers/auth/worker-services.ts on Workers) and reached
 * through `c.get("services").auth`. Absent where a runtime has no auth wired
 * (e.g. the Deno smoke run): auth routes then answer 503 and every token is refused.
 */
export interface AuthServices {
  passwords: PasswordHasher;
  /** Imported once per isolate; the promise is shared. */
  keys: () => Promise<KeyRing>;
  tokens: TokenSettings;
  sessions: SessionDirectory;
}
