/** The bindings and vars of the TUNEC Worker (wrangler.toml). */
export interface WorkerBindings {
  HYPERDRIVE: Hyperdrive;
  ENVIRONMENT?: string;
  LOG_LEVEL?: string;
}

declare global {
  namespace Cloudflare {
    // `cloudflare:test`'s `env` is typed by this interface.
    interface Env extends WorkerBindings {}
  }
}
