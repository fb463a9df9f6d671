/**
 * Wake-ups for the origin's loops on the embedded database. PGlite has one
 * session for every client of its socket, so LISTEN/NOTIFY cannot reach a
 * listener; but the socket server runs in this process and sees every
 * statement of every client (origin services and the Worker). When a
 * transaction that changed rows of a table has ended, the subscribers of that
 * table are told, so a loop waiting for work (an upload to probe, a
 * notification to send, the CDC relay's outbox) wakes at once instead of
 * polling.
 *
 * Only statements that changed rows count (CommandComplete "UPDATE n", n > 0):
 * a loop's own empty claim (`update … where id = (select … skip locked)`)
 * must not wake the loop again. The end of the transaction is read from the
 * client's own ReadyForQuery ('I' = idle), not from the shared session's state
 * afterwards: by then another client's BEGIN may have run, and the hint was
 * lost (a replay an admin asked for waited a minute). A hint is only a hint:
 * every loop keeps a slow safety poll, so a write this text match misses is
 * picked up late, not lost.
 */
import type { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import { databaseUrlOf } from "../../shared/db/postgres.ts";

type Listener = () => void;

/** The safety poll of a loop that waits on hints; loops poll at their old pace when nothing hints. */
export const hintedSafetyPollMs = 60_000;

export class TableWriteHints {
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #versions = new Map<string, number>();
  #watching = 0;
  readonly #ports = new Map<number, number>();

  /**
   * How many hints `table` has had (several tables: all together); read it before looking for work, pass it to
   * `wait` (no lost wake-up in between).
   */
  version(table: string | readonly string[]): number {
    if (typeof table !== "string") return table.reduce((sum, one) => sum + this.version(one), 0);
    return this.#versions.get(table.toLowerCase()) ?? 0;
  }

  /** Whether an embedded database in this process produces hints. */
  get watching(): boolean {
    return this.#watching > 0;
  }

  /** Calls `listener` after each commit that changed rows of `table` ("schema.name"); returns the unsubscriber. */
  subscribe(table: string, listener: Listener): () => void {
    const key = table.toLowerCase();
    const set = this.#listeners.get(key) ?? new Set<Listener>();
    set.add(listener);
    this.#listeners.set(key, set);
    return () => set.delete(listener);
  }

  /** `subscribe` to each of `tables` with one listener. */
  subscribeAll(tables: readonly string[], listener: Listener): () => void {
    const unsubscribers = tables.map((table) => this.subscribe(table, listener));
    return () => {
      for (const unsubscribe of unsubscribers) unsubscribe();
    };
  }

  emit(tables: Iterable<string>): void {
    for (const table of tables) this.#versions.set(table.toLowerCase(), this.version(table) + 1);
    for (const table of tables) for (const listener of this.#listeners.get(table.toLowerCase()) ?? []) listener();
  }

  /** @internal The embedded database listening on `port` in this process hints its writes; returns the undo. */
  serving(port: number): () => void {
    this.#ports.set(port, (this.#ports.get(port) ?? 0) + 1);
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      const left = (this.#ports.get(port) ?? 1) - 1;
      if (left > 0) this.#ports.set(port, left);
      else this.#ports.delete(port);
    };
  }

  /**
   * Whether every write to the database at `url` is hinted: it is an embedded
   * database of this process. `watching` says only that some embedded database
   * is (a test may run one beside an external PostgreSQL).
   */
  covers(url: string): boolean {
    try {
      const parsed = new URL(url);
      const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
      return loopback && this.#ports.has(Number(parsed.port || 5432));
    } catch {
      return false;
    }
  }

  /** @internal Counted: an embedded database started twice in one process (tests) keeps hinting until both stopped. */
  started(): () => void {
    this.#watching++;
    let stopped = false;
    return () => {
      if (!stopped) this.#watching--;
      stopped = true;
    };
  }

  /**
   * Resolves after `ms`, on a hint for `table` (or any of several), or when
   * `signal` aborts, whichever comes first; at once if it was hinted since
   * `since` (a `version`). `ms` is the caller's safety poll.
   */
  wait(table: string | readonly string[], ms: number, signal: AbortSignal, since?: number): Promise<void> {
    if (since !== undefined && this.version(table) !== since) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      const unsubscribe = this.subscribeAll(typeof table === "string" ? [table] : table, done);
      if (signal.aborted) done();
      else signal.addEventListener("abort", done, { once: true });
    });
  }
}

/** The process-wide hints the embedded database feeds and the work loops wait on. */
export const tableWriteHints = new TableWriteHints();

/**
 * Whether every write to `db` reaches this process's hints: it is a handle on
 * an embedded database served here. A loop waits for hints only then; on any
 * other database (an external PostgreSQL, even while a test runs an embedded
 * one beside it) it keeps its poll.
 */
export function hintsCover(db: Kysely<Database>): boolean {
  const url = databaseUrlOf(db);
  return url !== undefined && tableWriteHints.covers(url);
}

// Frontend messages carrying SQL text: simple Query ('Q': text) and Parse ('P': name, text).
const queryMessage = 0x51;
const parseMessage = 0x50;
// Backend messages: CommandComplete ('C': tag) and ReadyForQuery ('Z': transaction status).
const commandComplete = 0x43;
const readyForQuery = 0x5a;
const idle = 0x49; // 'I': not in a transaction block, so what the client wrote has committed (or rolled back)
const writtenTable = /\b(?:insert\s+into|update|delete\s+from|merge\s+into)\s+"?([a-z_][a-z0-9_]*)"?\s*\.\s*"?([a-z_][a-z0-9_]*)"?/gi;

/** The SQL text of a Query or Parse message, else null. */
export function statementText(message: Uint8Array): string | null {
  const type = message[0];
  if (type !== queryMessage && type !== parseMessage) return null;
  let start = 5; // type byte + int32 length
  if (type === parseMessage) {
    const nameEnd = message.indexOf(0, start);
    if (nameEnd === -1) return null;
    start = nameEnd + 1;
  }
  const end = message.indexOf(0, start);
  return new TextDecoder().decode(message.subarray(start, end === -1 ? message.length : end));
}

/** The "schema.table" names a statement writes (text match; unqualified names are not seen). */
export function writtenTables(text: string): string[] {
  return [...text.matchAll(writtenTable)].map((match) => `${match[1]}.${match[2]}`.toLowerCase());
}

/** Whether a CommandComplete tag reports changed rows ("INSERT 0 3", "UPDATE 1", "DELETE 2", "MERGE 1"). */
export function changedRows(tag: string): boolean {
  const match = /^(?:INSERT \d+|UPDATE|DELETE|MERGE) (\d+)$/.exec(tag);
  return match !== null && Number(match[1]) > 0;
}

export interface BackendEvents {
  /** A CommandComplete tag. */
  tag?(tag: string): void;
  /** A ReadyForQuery: the transaction status byte ('I', 'T' or 'E'). */
  ready?(status: number): void;
}

/** Splits backend bytes into messages across chunk boundaries and reports CommandComplete tags and ReadyForQuery. */
export class BackendMessages {
  #carry: Uint8Array = new Uint8Array(0);
  /** Bytes still to pass over of a message we do not read (a large DataRow): never buffered. */
  #skip = 0;

  push(chunk: Uint8Array, on: BackendEvents): void {
    let input = chunk;
    if (this.#skip > 0) {
      if (input.length <= this.#skip) {
        this.#skip -= input.length;
        return;
      }
      input = input.subarray(this.#skip);
      this.#skip = 0;
    }
    const data = this.#carry.length > 0 ? concat(this.#carry, input) : input;
    let offset = 0;
    while (data.length - offset >= 5) {
      const length = new DataView(data.buffer, data.byteOffset + offset + 1, 4).getInt32(0);
      if (length < 4) {
        // Not a protocol stream we understand: drop it rather than misparse.
        this.#carry = new Uint8Array(0);
        return;
      }
      const type = data[offset];
      if (data.length - offset < 1 + length) {
        if (type === commandComplete || type === readyForQuery) break;
        // Only tags and ReadyForQuery are read (both small): the rest of a result streams past
        // instead of being carried and copied again with every chunk.
        this.#skip = 1 + length - (data.length - offset);
        this.#carry = new Uint8Array(0);
        return;
      }
      if (type === commandComplete && on.tag) {
        const body = data.subarray(offset + 5, offset + 1 + length);
        const end = body.indexOf(0);
        on.tag(new TextDecoder().decode(end === -1 ? body : body.subarray(0, end)));
      } else if (type === readyForQuery && length === 5 && on.ready) on.ready(data[offset + 5] ?? 0);
      offset += 1 + length;
    }
    this.#carry = data.slice(offset);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

interface QueueInternals {
  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<unknown>;
  clearQueueForHandler(handlerId: number): void;
}

/**
 * Watches the socket server's message queue: per client, the tables its
 * statements write and whether any of them changed rows, until the server
 * tells that client it is idle again (ReadyForQuery 'I': its autocommit
 * statement or its COMMIT is done); then `hints` fire for those tables, before
 * the client itself hears back. A rolled-back transaction may hint too (a
 * spurious wake-up, harmless).
 */
export function watchTableWrites(server: PGLiteSocketServer, hints: TableWriteHints = tableWriteHints): () => void {
  const internals = (server as unknown as { queryQueue?: QueueInternals }).queryQueue;
  if (!internals || typeof internals.enqueue !== "function" || typeof internals.clearQueueForHandler !== "function") {
    throw new Error("pglite-socket internals changed: re-check the table write hints before upgrading");
  }
  const pending = new Map<number, { tables: Set<string>; changed: boolean; reader: BackendMessages }>();
  // A client's messages are enqueued one at a time (each awaits the last), so its state is read in order.
  const { enqueue, clearQueueForHandler } = internals;
  internals.enqueue = function hintedEnqueue(this: QueueInternals, handlerId, message, onData) {
    const text = statementText(message);
    const tables = text === null ? [] : writtenTables(text);
    let state = pending.get(handlerId);
    if (tables.length > 0) {
      state ??= { tables: new Set(), changed: false, reader: new BackendMessages() };
      for (const table of tables) state.tables.add(table);
      pending.set(handlerId, state);
    }
    if (!state) return enqueue.call(this, handlerId, message, onData);
    const watched = state;
    const events: BackendEvents = {
      tag(tag) {
        if (changedRows(tag)) watched.changed = true;
      },
      ready(status) {
        if (status !== idle) return;
        if (pending.get(handlerId) === watched) pending.delete(handlerId);
        if (watched.changed) hints.emit(watched.tables);
      },
    };
    return enqueue.call(this, handlerId, message, (data) => {
      watched.reader.push(data, events);
      onData(data);
    });
  };
  // A client that left mid-transaction is rolled back: nothing of it to hint.
  internals.clearQueueForHandler = function forgetHandler(this: QueueInternals, handlerId) {
    pending.delete(handlerId);
    clearQueueForHandler.call(this, handlerId);
  };
  const stopped = hints.started();
  return () => {
    stopped();
    internals.enqueue = enqueue;
    internals.clearQueueForHandler = clearQueueForHandler;
  };
}
