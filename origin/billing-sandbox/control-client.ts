/**
 * A client of a sandbox's /_sandbox control API, for tests, scripts and the
 * saga's end-to-end checks (the same calls work on both sandboxes).
 */
import type { CallbackOptions, PayOptions, ReplayOptions, SentNotification } from "./common.ts";

export interface SandboxClient {
  describe(id: string): Promise<Record<string, unknown>>;
  pay(id: string, options?: Partial<PayOptions>): Promise<Record<string, unknown>>;
  decline(id: string, options?: Partial<CallbackOptions>): Promise<Record<string, unknown>>;
  expire(id: string, options?: Partial<CallbackOptions>): Promise<Record<string, unknown>>;
  mine(count: number, options?: Partial<CallbackOptions>): Promise<Record<string, unknown>>;
  replay(id: string, options?: Partial<ReplayOptions>): Promise<Record<string, unknown>>;
  failNextRefund(id: string): Promise<Record<string, unknown>>;
  notifications(id: string): Promise<SentNotification[]>;
  /** Resolves once every callback the sandbox started has been delivered or given up. */
  idle(): Promise<void>;
}

export function sandboxClient(baseUrl: string): SandboxClient {
  const call = async <T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${baseUrl}/_sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = (await response.json()) as T;
    if (!response.ok) throw new Error(`sandbox ${method} ${path}: ${response.status} ${JSON.stringify(parsed)}`);
    return parsed;
  };
  const id = (value: string) => encodeURIComponent(value);
  return {
    describe: (payment) => call("GET", `/payments/${id(payment)}`),
    pay: (payment, options = {}) => call("POST", `/payments/${id(payment)}/pay`, options),
    decline: (payment, options = {}) => call("POST", `/payments/${id(payment)}/decline`, options),
    expire: (payment, options = {}) => call("POST", `/payments/${id(payment)}/expire`, options),
    mine: (count, options = {}) => call("POST", "/blocks", { count, ...options }),
    replay: (payment, options = {}) => call("POST", `/payments/${id(payment)}/replay`, options),
    failNextRefund: (payment) => call("POST", `/payments/${id(payment)}/fail-next-refund`),
    notifications: (payment) => call("GET", `/payments/${id(payment)}/notifications`),
    idle: async () => {
      await call("POST", "/idle");
    },
  };
}
