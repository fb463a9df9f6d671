// The package types only its Workers build under the `workerd` condition.
// @ts-expect-error -- resolved at runtime by wrangler/Vitest with that condition
import { CloudflareSocket } from "pg-cloudflare";
import { Buffer } from "node:buffer";
import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import { createPostgresDatabase } from "../../shared/db/postgres.ts";
import { databaseTimeouts } from "../../shared/db/timeouts.ts";

interface CloudflareSocketInternals {
  _cfWriter: { close(): Promise<void> } | null;
  _cfReader: { read(): Promise<{ done: boolean; value?: Uint8Array }> } | null;
  emit(event: "data", chunk: Buffer): boolean;
  write(data: Uint8Array, encoding: string, callback: (error?: unknown) => void): unknown;
}

/**
 * pg-cloudflare's socket with a gentler close and a read loop that does not
 * copy. pg ends a connection by sending Terminate and then closing the socket;
 * closing it outright makes the pending read reject ("This socket has been
 * closed"), which workerd reports as an unhandled rejection. Half-closing lets
 * the server hang up and the read end.
 */
class EdgeSocket extends (CloudflareSocket as new (ssl: boolean) => CloudflareSocketInternals) {
  /**
   * pg-cloudflare hands pg `Buffer.from(chunk)`, a copy, and workerd's Buffer
   * copies a Uint8Array element by element (`fromArrayLike`): in a CPU profile
   * of `GET /me/wave` (~75 KB read per request) that copy was about 12% of the
   * Worker's time. A view over the chunk is enough: each read() returns a new
   * chunk that nothing else holds, and pg's parser copies what it keeps.
   * (The TLS upgrade's first read stays pg-cloudflare's `_listenOnce`.)
   */
  async _listen(): Promise<void> {
    for (;;) {
      const reader = this._cfReader;
      if (!reader) return;
      const { done, value } = await reader.read();
      if (done || !value) return;
      this.emit("data", Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    }
  }

  end(data: Uint8Array = new Uint8Array(0), encoding = "utf8", callback: (error?: unknown) => void = () => undefined): this {
    this.write(data, encoding, (error) => {
      this._cfWriter?.close().catch(() => undefined);
      callback(error);
    });
    return this;
  }
}

/**
 * A per-request database handle for Workers.
 *
 * pg would pick pg-cloudflare's socket itself through the `workerd` export
 * condition, but Vitest's module fallback resolves pg's `require` without it;
 * handing pg the socket keeps one code path for wrangler, production and tests.
 */
export function createEdgeDatabase(connectionString: string): Kysely<Database> {
  return createPostgresDatabase(connectionString, {
    maxConnections: 1,
    // Client-side only: Hyperdrive may not pass startup parameters such as statement_timeout.
    queryTimeoutMs: databaseTimeouts.edgeQueryTimeoutMs,
    applicationName: "tunec-edge",
    stream: (config) => new EdgeSocket(Boolean(config.ssl)),
  });
}
