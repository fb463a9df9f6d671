/**
 * A local stand-in for Hyperdrive's pooling, for benchmarks: a TCP proxy that
 * answers a client's PostgreSQL startup itself and hands the session to an
 * already open, already used server connection.
 *
 * Why: the edge opens a connection per request. In production that
 * connection ends at Hyperdrive, which keeps warm connections to the database;
 * Miniflare's local Hyperdrive connects straight to PostgreSQL instead, so
 * every request forks a backend whose catalog caches are empty. Measured by
 * `npm run bench:recs:profile`: a wave statement plans in 10–15 ms on such a
 * backend and in under 1 ms on a warm one. Benchmarks that want the
 * production picture put this pool in between (and print the direct figures too).
 *
 * Session pooling: one client session has one server connection to itself;
 * when the client leaves (Terminate or close) the connection is reset
 * (Sync, ROLLBACK, DISCARD ALL) and goes back to the idle list. Trust, cleartext
 * and md5 authentication towards the server (not SCRAM: a bench tool).
 */
import { createHash } from "node:crypto";
import { type Server, type Socket, connect, createServer } from "node:net";

export interface PgPool {
  /** postgres:// URL of the pool (same user, password and database as the target). */
  url: string;
  /** Server connections opened since the start (a warm pool stops opening them). */
  opened(): number;
  stop(): Promise<void>;
}

/** Splits a byte stream into PostgreSQL messages (type byte + int32 length). */
class Framer {
  private buffer = Buffer.alloc(0);
  push(chunk: Buffer, onMessage: (type: number, message: Buffer) => void): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    let offset = 0;
    while (this.buffer.length - offset >= 5) {
      const length = this.buffer.readInt32BE(offset + 1);
      if (this.buffer.length - offset < 1 + length) break;
      onMessage(this.buffer[offset] ?? 0, this.buffer.subarray(offset, offset + 1 + length));
      offset += 1 + length;
    }
    this.buffer = this.buffer.subarray(offset);
  }
}

const message = (type: string, body: Buffer) => {
  const header = Buffer.alloc(5);
  header.write(type, 0, "latin1");
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
};
const cstring = (text: string) => Buffer.from(`${text}\0`, "utf8");
const int32 = (value: number) => {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
};

interface Backend {
  socket: Socket;
  framer: Framer;
  /** ParameterStatus messages of the server's startup, replayed to every client. */
  parameters: Buffer[];
  /** Where the server's messages go: a client while attached, the reset logic otherwise. */
  onMessage: (type: number, message: Buffer) => void;
}

function openBackend(target: URL): Promise<Backend> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.hostname, port: Number(target.port || 5432) });
    socket.setNoDelay(true);
    const user = decodeURIComponent(target.username || "postgres");
    const password = decodeURIComponent(target.password);
    const backend: Backend = { socket, framer: new Framer(), parameters: [], onMessage: () => undefined };
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.once("error", fail);
    socket.on("data", (chunk: Buffer) => backend.framer.push(chunk, (type, data) => backend.onMessage(type, data)));
    backend.onMessage = (type, data) => {
      const kind = String.fromCharCode(type);
      if (kind === "R") {
        const code = data.readInt32BE(5);
        if (code === 3) socket.write(message("p", cstring(password)));
        else if (code === 5) {
          const salt = data.subarray(9, 13);
          const inner = createHash("md5")
            .update(password + user)
            .digest("hex");
          socket.write(
            message(
              "p",
              cstring(
                `md5${createHash("md5")
                  .update(Buffer.concat([Buffer.from(inner), salt]))
                  .digest("hex")}`,
              ),
            ),
          );
        } else if (code !== 0) fail(new Error(`pg-pool: authentication method ${code} is not supported`));
      } else if (kind === "S") backend.parameters.push(data);
      else if (kind === "E") fail(new Error(`pg-pool: the server refused the connection: ${data.subarray(5).toString("utf8").replaceAll("\0", " ")}`));
      else if (kind === "Z") {
        socket.off("error", fail);
        socket.on("error", () => socket.destroy());
        resolve(backend);
      }
    };
    const body = Buffer.concat([
      int32(196608),
      cstring("user"),
      cstring(user),
      cstring("database"),
      cstring(decodeURIComponent(target.pathname.slice(1) || user)),
      cstring("application_name"),
      cstring("tunec-pg-pool"),
      Buffer.from([0]),
    ]);
    socket.write(Buffer.concat([int32(4 + body.length), body]));
  });
}

/** Starts the pool on 127.0.0.1 (a free port) in front of `targetUrl`. */
export async function startPgPool(targetUrl: string, options: { maxConnections?: number } = {}): Promise<PgPool> {
  const target = new URL(targetUrl);
  const max = options.maxConnections ?? 40;
  const idle: Backend[] = [];
  const waiting: Array<(backend: Backend) => void> = [];
  const all = new Set<Backend>();
  let opened = 0;

  const acquire = async (): Promise<Backend> => {
    const ready = idle.pop();
    if (ready) return ready;
    if (all.size >= max) return new Promise((resolve) => waiting.push(resolve));
    const backend = await openBackend(target);
    opened += 1;
    all.add(backend);
    backend.socket.once("close", () => {
      all.delete(backend);
      const at = idle.indexOf(backend);
      if (at >= 0) idle.splice(at, 1);
    });
    return backend;
  };
  const release = (backend: Backend) => {
    const next = waiting.shift();
    if (next) next(backend);
    else idle.push(backend);
  };
  /** Back to a clean idle session; a connection that does not get there is closed. */
  const reset = (backend: Backend) => {
    let discarded = false;
    const timer = setTimeout(() => backend.socket.destroy(), 2_000);
    backend.onMessage = (type, data) => {
      const kind = String.fromCharCode(type);
      if (kind === "C" && data.subarray(5).toString("utf8").startsWith("DISCARD ALL")) discarded = true;
      else if (kind === "Z" && discarded) {
        clearTimeout(timer);
        backend.onMessage = () => undefined;
        if (data[5] === "I".charCodeAt(0)) release(backend);
        else backend.socket.destroy();
      }
    };
    backend.socket.write(Buffer.concat([message("S", Buffer.alloc(0)), message("Q", cstring("ROLLBACK")), message("Q", cstring("DISCARD ALL"))]));
  };

  const serve = (client: Socket) => {
    client.setNoDelay(true);
    let startup = Buffer.alloc(0);
    let backend: Backend | undefined;
    let gone = false;
    const leave = () => {
      if (gone) return;
      gone = true;
      client.destroy();
      backend?.socket.off("close", leave);
      if (backend && !backend.socket.destroyed) reset(backend);
    };
    client.on("error", leave);
    client.on("close", leave);
    const framer = new Framer();
    const onStartup = async (chunk: Buffer) => {
      startup = Buffer.concat([startup, chunk]);
      if (startup.length < 8 || startup.length < startup.readInt32BE(0)) return;
      const length = startup.readInt32BE(0);
      const code = startup.readInt32BE(4);
      const rest = startup.subarray(length);
      startup = Buffer.alloc(0);
      if (code === 80877103 || code === 80877104) {
        // SSL / GSS encryption request: not here (a local, plain-text bench link).
        client.write("N");
        if (rest.length) await onStartup(rest);
        return;
      }
      if (code !== 196608) return leave();
      client.off("data", onData);
      try {
        backend = await acquire();
      } catch {
        return leave();
      }
      if (gone) return reset(backend);
      const attached = backend;
      attached.onMessage = (_type, data) => client.write(data);
      attached.socket.once("close", leave);
      client.write(
        Buffer.concat([message("R", int32(0)), ...attached.parameters, message("K", Buffer.concat([int32(0), int32(0)])), message("Z", Buffer.from("I"))]),
      );
      const forward = (more: Buffer) =>
        framer.push(more, (type, data) => {
          if (String.fromCharCode(type) === "X") return leave();
          attached.socket.write(data);
        });
      client.on("data", forward);
      if (rest.length) forward(rest);
    };
    const onData = (chunk: Buffer) => void onStartup(chunk);
    client.on("data", onData);
  };

  const server: Server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("pg-pool: no port");
  const url = new URL(targetUrl);
  url.hostname = "127.0.0.1";
  url.port = String(address.port);
  return {
    url: url.toString(),
    opened: () => opened,
    stop: async () => {
      for (const backend of all) backend.socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
