import type { Pgoutput } from "pg-logical-replication";
import type { Row, RowChange } from "../track-change-event.ts";

/** One committed transaction as decoded from pgoutput, changes in WAL order. */
export interface WalTransaction {
  xid: number;
  /** End of the commit record: once handled, the slot may be confirmed up to here. */
  commitEndLsn: string;
  commitTime: Date;
  changes: Array<RowChange & { lsn: string; table: string }>;
}

/**
 * Assembles pgoutput messages (begin, changes, commit) into transactions.
 * Protocol version 1 sends a transaction only once it committed, as one run
 * of messages, so at most one is open at a time.
 */
export class TransactionAssembler {
  private open: WalTransaction | null = null;

  get inTransaction(): boolean {
    return this.open !== null;
  }

  /** Feeds one message; returns the transaction its commit completes. */
  push(lsn: string, message: Pgoutput.Message): WalTransaction | null {
    switch (message.tag) {
      case "begin":
        this.open = { xid: message.xid, commitEndLsn: "", commitTime: new Date(0), changes: [] };
        return null;
      case "insert":
        this.add(lsn, message.relation, "c", null, message.new);
        return null;
      case "update":
        this.add(lsn, message.relation, "u", message.old, message.new);
        return null;
      case "delete":
        this.add(lsn, message.relation, "d", message.old ?? message.key, null);
        return null;
      case "commit": {
        const done = this.open;
        this.open = null;
        if (!done) return null;
        done.commitEndLsn = message.commitEndLsn ?? lsn;
        done.commitTime = unixMicrosToDate(message.commitTime);
        for (const change of done.changes) change.source.ts_ms = done.commitTime.getTime();
        return done;
      }
      default:
        return null;
    }
  }

  private add(lsn: string, relation: Pgoutput.MessageRelation, op: RowChange["op"], before: Row | null, after: Row | null): void {
    if (!this.open) throw new Error(`pgoutput ${op} outside a transaction at ${lsn}`);
    const table = `${relation.schema}.${relation.name}`;
    this.open.changes.push({ lsn, table, op, before, after, source: { table, lsn, txid: this.open.xid, ts_ms: 0 } });
  }
}

/** The parser turns pgoutput times into microseconds since the Unix epoch (a BigInt). */
function unixMicrosToDate(value: unknown): Date {
  if (typeof value === "bigint") return new Date(Number(value / 1000n));
  return new Date();
}
