/**
 * Wake-ups for the origin's work-queue loops on the embedded database. PGlite
 * has one session for every client of its socket, so LISTEN/NOTIFY cannot
 * reach a listener; but the socket server runs in this process and sees every
 * statement of every client (origin services and the Worker). When a
 * transaction that changed rows of a table has ended, the subscribers of that
 * table are told, so a loop waiting for work (an upload to probe, a
 * notification to send) wakes at once instead of polling every 500 ms.
 *
 * Only statements that changed rows count (CommandComplete "UPDATE n", n > 0):
 * a loop's own empty claim (`update … where id = (select … skip locked)`)
 * must not wake the loop again. A hint is only a hint: every loop keeps a slow
 * safety poll, so a write this text match misses is picked up late, not lost.
 * Same idea as origin/cdc/trigger/write-hints.ts (the relay's outbox hint).
 */
import type { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { statementText } from "../cdc/trigger/write-hints.ts";

type Listener = () => void;

/** The safety poll of a loop that waits on hints; loops poll at their old pace when nothing hints. */
export const hintedSafetyPollMs = 60_000;

export class TableWriteHints {
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #versions = new Map<string, number>();
  #watching = 0;

  /** How many hints `table` has had; read it before looking for work, pass it to `wait` (no lost wake-up in between). */
  version(table: string): number {
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

  emit(tables: Iterable<string>): void {
    for (const table of tables) this.#versions.set(table.toLowerCase(), this.version(table) + 1);
    for (const table of tables) for (const listener of this.#listeners.get(table.toLowerCase()) ?? []) listener();
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
   * Resolves after `ms`, on a hint for `table`, or when `signal` aborts,
   * whichever comes first; at once if `table` was hinted since `since` (a
   * `version`). `ms` is the caller's safety poll.
   */
  wait(table: string, ms: number, signal: AbortSignal, since?: number): Promise<void> {
    if (since !== undefined && this.version(table) !== since) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      const unsubscribe = this.subscribe(table, done);
      if (signal.aborted) done();
      else signal.addEventListener("abort", done, { once: true });
    });
  }
}

/** The process-wide hints the embedded database feeds and the work loops wait on. */
export const tableWriteHints = new TableWriteHints();

const queryMessage = 0x51; // Q
const syncMessage = 0x53; // S
const commandComplete = 0x43; // C (backend)
const writtenTable = /\b(?:insert\s+into|update|delete\s+from|merge\s+into)\s+"?([a-z_][a-z0-9_]*)"?\s*\.\s*"?([a-z_][a-z0-9_]*)"?/gi;

/** The "schema.table" names a statement writes (text match; unqualified names are not seen). */
export function writtenTables(text: string): string[] {
  return [...text.matchAll(writtenTable)].map((match) => `${match[1]}.${match[2]}`.toLowerCase());
}

/** Whether a CommandComplete tag reports changed rows ("INSERT 0 3", "UPDATE 1", "DELETE 2", "MERGE 1"). */
export function changedRows(tag: string): boolean {
  const match = /^(?:INSERT \d+|UPDATE|DELETE|MERGE) (\d+)$/.exec(tag);
  return match !== null && Number(match[1]) > 0;
}

/** Splits backend bytes into messages across chunk boundaries and reports CommandComplete tags. */
export class CommandTags {
  #carry: Uint8Array = new Uint8Array(0);

  push(chunk: Uint8Array, onTag: (tag: string) => void): void {
    const data = this.#carry.length > 0 ? concat(this.#carry, chunk) : chunk;
    let offset = 0;
    while (data.length - offset >= 5) {
      const length = new DataView(data.buffer, data.byteOffset + offset + 1, 4).getInt32(0);
      if (length < 4) {
        // Not a protocol stream we understand: drop it rather than misparse.
        this.#carry = new Uint8Array(0);
        return;
      }
      if (data.length - offset < 1 + length) break;
      if (data[offset] === commandComplete) {
        const body = data.subarray(offset + 5, offset + 1 + length);
        const end = body.indexOf(0);
        onTag(new TextDecoder().decode(end === -1 ? body : body.subarray(0, end)));
      }
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
  db: { isInTransaction(): boolean };
}

/**
 * Watches the socket server's message queue: per client, the tables its
 * statements write and whether any of them changed rows, until one of its
 * messages completes outside a transaction (autocommit or COMMIT, at the
 * simple query or the Sync that ends it); then `hints` fire for those tables.
 * A rolled-back transaction may hint too (a spurious wake-up, harmless).
 */
export function watchTableWrites(server: PGLiteSocketServer, hints: TableWriteHints = tableWriteHints): () => void {
  const internals = (server as unknown as { queryQueue?: QueueInternals }).queryQueue;
  if (!internals || typeof internals.enqueue !== "function" || typeof internals.db?.isInTransaction !== "function") {
    throw new Error("pglite-socket internals changed: re-check the table write hints before upgrading");
  }
  const pending = new Map<number, { tables: Set<string>; changed: boolean; tags: CommandTags }>();
  const enqueue = internals.enqueue;
  internals.enqueue = async function hintedEnqueue(this: QueueInternals, handlerId, message, onData) {
    const text = statementText(message);
    const tables = text === null ? [] : writtenTables(text);
    let state = pending.get(handlerId);
    if (tables.length > 0) {
      state ??= { tables: new Set(), changed: false, tags: new CommandTags() };
      for (const table of tables) state.tables.add(table);
      pending.set(handlerId, state);
    }
    const watched = state;
    const forward = watched
      ? (data: Uint8Array) => {
          watched.tags.push(data, (tag) => {
            if (changedRows(tag)) watched.changed = true;
          });
          onData(data);
        }
      : onData;
    const result = await enqueue.call(this, handlerId, message, forward);
    const type = message[0];
    if (watched && (type === queryMessage || type === syncMessage) && !internals.db.isInTransaction()) {
      pending.delete(handlerId);
      if (watched.changed) hints.emit(watched.tables);
    }
    return result;
  };
  const stopped = hints.started();
  return () => {
    stopped();
    internals.enqueue = enqueue;
  };
}
