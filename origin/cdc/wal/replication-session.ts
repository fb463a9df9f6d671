import { LogicalReplicationService, PgoutputPlugin, type Pgoutput } from "pg-logical-replication";
import type { Logger } from "../../../shared/logger.ts";
import { formatLsn, parseLsn } from "../lsn.ts";
import { keepColumnsAsText, renderColumnsAsJson } from "./row-values.ts";
import { TransactionAssembler, type WalTransaction } from "./transactions.ts";

export interface ReplicationSessionOptions {
  connectionString: string;
  slot: string;
  publications: string[];
  /** The slot's confirmed position when the session starts (never acknowledged below it). */
  confirmedLsn: string;
  /** Schemas whose rows are rendered as JSON values (see row-values.ts). */
  jsonSchemas: ReadonlySet<string>;
  /** Per table ("schema.name"), columns delivered as PostgreSQL's text, unparsed. */
  textColumns?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Resolves once the events of these transactions are durably in the log. */
  handle(transactions: WalTransaction[]): Promise<void>;
  log: Logger;
  /** Transactions handed to `handle` at once at most; default 2,000. */
  maxBatch?: number;
}

type Item = { kind: "message"; lsn: string; message: Pgoutput.Message } | { kind: "keepalive"; lsn: string };

// Beyond this many undecoded items the socket is paused, so a slow log
// cannot make the process buffer the whole WAL backlog in memory.
const highWater = 20_000;

/**
 * One streaming-replication connection on the slot. The slot is confirmed
 * (acknowledged to PostgreSQL) only up to transactions whose events `handle`
 * stored, so whatever ends the session — stop, error, SIGKILL — the next one
 * starts after the last stored transaction: nothing lost, at worst repeated.
 */
export class ReplicationSession {
  private readonly service: LogicalReplicationService;
  private readonly assembler = new TransactionAssembler();
  private queue: Item[] = [];
  private confirmed: bigint;
  private pumpRunning = false;
  private pumped: Promise<void> = Promise.resolve();
  private failure: ((error: unknown) => void) | null = null;
  private stopping = false;
  private paused = false;

  constructor(private readonly options: ReplicationSessionOptions) {
    this.confirmed = parseLsn(options.confirmedLsn);
    // Acknowledgements are ours alone: the library's automatic ones (and its
    // timer) would confirm positions whose events were not stored yet.
    this.service = new LogicalReplicationService(
      { connectionString: options.connectionString, options: "-c TimeZone=UTC -c DateStyle=ISO", application_name: "tunec-cdc" },
      { acknowledge: { auto: false, timeoutSeconds: 0 } },
    );
  }

  /** Streams until `stop` (resolves) or a failure (rejects). */
  async run(): Promise<void> {
    const failed = new Promise<never>((_, reject) => {
      this.failure = reject;
    });
    this.service.on("error", (error: Error) => this.fail(error));
    this.service.on("data", (lsn: string, message: Pgoutput.Message) => {
      // Synchronous on purpose: the relation's parsers must change before the
      // library parses the next message, and items must keep stream order.
      if (message.tag === "relation") {
        if (this.options.jsonSchemas.has(message.schema)) renderColumnsAsJson(message);
        const asText = this.options.textColumns?.get(`${message.schema}.${message.name}`);
        if (asText) keepColumnsAsText(message, asText);
      }
      this.enqueue({ kind: "message", lsn, message });
    });
    this.service.on("heartbeat", (lsn: string, _time: number, shouldRespond: boolean) => {
      if (shouldRespond) this.sendConfirmed();
      this.enqueue({ kind: "keepalive", lsn });
    });
    const plugin = new PgoutputPlugin({ protoVersion: 1, publicationNames: this.options.publications });
    const streaming = this.service.subscribe(plugin, this.options.slot, "0/0");
    try {
      await Promise.race([streaming, failed]);
    } finally {
      this.failure = null;
      await this.service.destroy().catch(() => undefined);
    }
  }

  /** Lets the batch in flight reach the log and be confirmed, then disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.pumped;
    await this.service.stop().catch(() => undefined);
  }

  private fail(error: unknown): void {
    // Nothing more may be stored or confirmed: the next session replays from the slot.
    this.stopping = true;
    this.failure?.(error);
  }

  private enqueue(item: Item): void {
    if (this.stopping) return;
    this.queue.push(item);
    if (!this.paused && this.queue.length > highWater) this.setPaused(true);
    if (this.pumpRunning) return;
    // The flag is cleared inside pump() in the same tick as its last queue
    // check, so an item arriving later always finds no pump and starts one.
    this.pumpRunning = true;
    this.pumped = this.pump();
  }

  private async pump(): Promise<void> {
    const maxBatch = this.options.maxBatch ?? 2_000;
    try {
      while (!this.stopping && this.queue.length > 0) {
        const items = this.queue;
        this.queue = [];
        let safeIdle: bigint | null = null;
        const ready: WalTransaction[] = [];
        for (const item of items) {
          if (item.kind === "keepalive") {
            // A keepalive between transactions means everything before its
            // position was sent; once the ready ones are stored, it is safe.
            if (!this.assembler.inTransaction) safeIdle = parseLsn(item.lsn);
            continue;
          }
          const done = this.assembler.push(item.lsn, item.message);
          if (done) ready.push(done);
        }
        if (this.paused) this.setPaused(false);
        for (let start = 0; start < ready.length; start += maxBatch) {
          const batch = ready.slice(start, start + maxBatch);
          await this.options.handle(batch);
          const last = batch.at(-1);
          if (last) this.confirm(parseLsn(last.commitEndLsn));
        }
        if (safeIdle !== null) this.confirm(safeIdle);
      }
    } catch (error) {
      this.options.log.error("cdc: storing events failed; reconnecting from the confirmed position", { error });
      this.fail(error);
    } finally {
      this.pumpRunning = false;
    }
  }

  private confirm(lsn: bigint): void {
    if (lsn <= this.confirmed) return;
    this.confirmed = lsn;
    this.sendConfirmed();
  }

  private sendConfirmed(): void {
    if (this.confirmed === 0n) return;
    // The library reports `lsn + 1` as flushed; PostgreSQL skips transactions
    // whose commit record starts before the confirmed position, so we pass one
    // less to confirm exactly the end of the stored commit.
    void this.service.acknowledge(formatLsn(this.confirmed - 1n)).catch((error: unknown) => this.fail(error));
  }

  private setPaused(paused: boolean): void {
    // The library keeps its pg connection private; pausing its socket is the
    // only back-pressure there is (its own flow control would hide keepalives).
    const stream = (this.service as unknown as { _connection?: { stream?: { pause(): void; resume(): void } } })._connection?.stream;
    if (!stream) return;
    if (paused) stream.pause();
    else stream.resume();
    this.paused = paused;
  }
}
