/**
 * A scheduler fix for `@electric-sql/pglite-socket` 0.2.x (electric-sql/pglite#1046,
 * open upstream with fix PR #977). The socket server serves every client on
 * PGlite's single session and queues each protocol message separately, keeping
 * a client's messages together only inside a transaction. Outside one, the
 * Parse/Bind/Execute/Sync messages of two clients interleave: "unnamed prepared
 * statement does not exist", or worse, one client's parameters bound to another
 * client's statement. And one failed message leaves the queue stuck for good.
 *
 * This replaces the queue's scheduler: a client that started an extended-query
 * batch keeps the session until its Sync (inside a transaction, until it ends),
 * and a failed message releases the session. Remove once upstream ships a fix.
 */
import type { PGLiteSocketServer } from "@electric-sql/pglite-socket";

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(error: unknown): void;
  onData(data: Uint8Array): void;
}

interface QueryQueueInternals {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: {
    isInTransaction(): boolean;
    runExclusive<T>(fn: () => Promise<T>): Promise<T>;
    execProtocolRawStream(message: Uint8Array, options: { onRawData(data: Uint8Array): void }): Promise<unknown>;
  };
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

// Frontend message types that belong to an extended-query batch, ended by Sync.
const extendedQueryMessages = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]); // P B D E C H
const syncMessage = 0x53; // S
const simpleQueryMessage = 0x51; // Q

export function pinExtendedQueryBatches(server: PGLiteSocketServer): void {
  const queue = (server as unknown as { queryQueue: QueryQueueInternals }).queryQueue;
  if (!queue || !Array.isArray(queue.queue) || typeof queue.processQueue !== "function") {
    throw new Error("pglite-socket internals changed: re-check electric-sql/pglite#1046 before upgrading");
  }
  let batchOwner: number | null = null;
  const clearQueueForHandler = queue.clearQueueForHandler.bind(queue);

  queue.clearQueueForHandler = function clearDisconnectedHandler(handlerId: number): void {
    if (batchOwner === handlerId) batchOwner = null;
    clearQueueForHandler(handlerId);
    void queue.processQueue();
  };

  queue.processQueue = async function processPinnedQueue(this: QueryQueueInternals): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const pinned = this.db.isInTransaction() ? this.lastHandlerId : batchOwner;
        const index = pinned === null ? 0 : this.queue.findIndex((item) => item.handlerId === pinned);
        // The owner's next message calls processQueue again when it arrives.
        if (index === -1) break;
        const [item] = this.queue.splice(index, 1);
        if (!item) break;
        const type = item.message[0] ?? 0;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          batchOwner = null;
          item.reject(error);
          continue;
        }
        this.lastHandlerId = item.handlerId;
        if (extendedQueryMessages.has(type)) batchOwner = item.handlerId;
        else if (type === syncMessage || type === simpleQueryMessage) batchOwner = null;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };
}
