/**
 * The trigger-mode relay's wake-up on the embedded database. PGlite has one
 * session for every client of its socket, so LISTEN/NOTIFY cannot reach a
 * listener; but the socket server runs in this process and sees every
 * statement of every client (origin services and the Worker alike). It tells
 * the relay when a transaction that wrote to `events.outbox` or
 * `catalog.tracks` (whose capture trigger writes to the outbox) has ended, so
 * the relay drains at once instead of polling every few milliseconds.
 *
 * A hint is only a hint: the relay keeps a slow safety poll, so a statement
 * this text match misses is relayed late, never lost.
 */
import type { PGLiteSocketServer } from "@electric-sql/pglite-socket";

type Listener = () => void;

/** Where hints go; `watching` says whether anything produces them in this process. */
export class OutboxWriteHints {
  readonly #listeners = new Set<Listener>();
  #watching = 0;

  get watching(): boolean {
    return this.#watching > 0;
  }

  /** Calls `listener` after each hinted commit; returns the unsubscriber. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(): void {
    for (const listener of this.#listeners) listener();
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
}

/** The process-wide hints the embedded database feeds and the relay waits on. */
export const outboxWriteHints = new OutboxWriteHints();

// Frontend messages carrying SQL text: simple Query ('Q': text) and Parse ('P': name, text).
const queryMessage = 0x51;
const parseMessage = 0x50;
// Where a statement can have committed: the end of a simple query, or Sync ('S') of an
// extended batch (before it, even an autocommit statement's implicit transaction is open).
const syncMessage = 0x53;
const writesOutbox = /\b(?:insert\s+into|update|delete\s+from|merge\s+into)\s+(?:"?events"?\s*\.\s*"?outbox"?|"?catalog"?\s*\.\s*"?tracks"?)(?=[\s"(]|$)/i;

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

export function isOutboxWrite(text: string): boolean {
  return writesOutbox.test(text);
}

interface QueueInternals {
  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<unknown>;
  db: { isInTransaction(): boolean };
}

/**
 * Watches the socket server's message queue: a client that sent an outbox
 * write is remembered until one of its messages completes outside a
 * transaction (its autocommit statement or its COMMIT, at the simple query or
 * the Sync that ends it), then `hints` fire. Returns the stopper.
 */
export function watchOutboxWrites(server: PGLiteSocketServer, hints: OutboxWriteHints = outboxWriteHints): () => void {
  const internals = (server as unknown as { queryQueue?: QueueInternals }).queryQueue;
  if (!internals || typeof internals.enqueue !== "function" || typeof internals.db?.isInTransaction !== "function") {
    throw new Error("pglite-socket internals changed: re-check the outbox write hints before upgrading");
  }
  const pending = new Set<number>();
  // The queue's array is replaced when a client disconnects; its enqueue method stays.
  const enqueue = internals.enqueue;
  internals.enqueue = async function hintedEnqueue(this: QueueInternals, handlerId, message, onData) {
    const text = statementText(message);
    if (text !== null && isOutboxWrite(text)) pending.add(handlerId);
    const result = await enqueue.call(this, handlerId, message, onData);
    const type = message[0];
    if (pending.has(handlerId) && (type === queryMessage || type === syncMessage) && !internals.db.isInTransaction()) {
      pending.delete(handlerId);
      hints.emit();
    }
    return result;
  };
  const stopped = hints.started();
  return () => {
    stopped();
    internals.enqueue = enqueue;
  };
}
