import { sql, type Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";

/**
 * Two publications, because the outbox only ever needs its INSERTs (deleting
 * relayed rows must not flow back), while catalog tables need every change.
 * TRUNCATE is left out: it carries no rows to turn into TrackDeleted events.
 */
export const publications = [
  { name: "tunec_cdc_outbox", tables: ["events.outbox"], publish: "insert" },
  { name: "tunec_cdc_catalog", tables: ["catalog.tracks"], publish: "insert, update, delete" },
] as const;

export const publicationNames = publications.map((publication) => publication.name);

/** Creates the publications, or brings their table lists up to date. */
export async function ensurePublications(db: Kysely<Database>): Promise<void> {
  for (const publication of publications) {
    const tables = sql.join(publication.tables.map((table) => sql.table(table)));
    const existing = await sql<{ pubname: string }>`select pubname from pg_publication where pubname = ${publication.name}`.execute(db);
    if (existing.rows.length === 0) {
      try {
        await sql`create publication ${sql.id(publication.name)} for table ${tables} with (publish = ${sql.lit(publication.publish)})`.execute(db);
        continue;
      } catch (error) {
        if (!isDuplicate(error)) throw error;
      }
    }
    await sql`alter publication ${sql.id(publication.name)} set table ${tables}`.execute(db);
    await sql`alter publication ${sql.id(publication.name)} set (publish = ${sql.lit(publication.publish)})`.execute(db);
  }
}

export interface SlotState {
  /** True when this call created the slot: changes committed before it are not in the stream. */
  created: boolean;
  confirmedLsn: string;
}

/** Creates the logical slot (pgoutput) unless it exists; refuses a same-named slot of another database or plugin. */
export async function ensureSlot(db: Kysely<Database>, slot: string): Promise<SlotState> {
  const existing = await readSlot(db, slot);
  if (existing) return { created: false, confirmedLsn: existing };
  try {
    const created = await sql<{ lsn: string }>`select lsn::text as lsn from pg_create_logical_replication_slot(${slot}, 'pgoutput')`.execute(db);
    return { created: true, confirmedLsn: created.rows[0]?.lsn ?? "0/0" };
  } catch (error) {
    // Another CDC process created it first.
    if (!isDuplicate(error)) throw error;
    return { created: false, confirmedLsn: (await readSlot(db, slot)) ?? "0/0" };
  }
}

/** The slot's confirmed position, or null when there is no such slot. */
export async function readSlot(db: Kysely<Database>, slot: string): Promise<string | null> {
  const result = await sql<{ database: string | null; plugin: string | null; current: string; confirmed: string | null }>`
    select database, plugin, current_database() as current, confirmed_flush_lsn::text as confirmed
    from pg_replication_slots where slot_name = ${slot}`.execute(db);
  const row = result.rows[0];
  if (!row) return null;
  if (row.database !== row.current || row.plugin !== "pgoutput") {
    throw new Error(
      `replication slot ${slot} belongs to database ${row.database ?? "(physical)"} with plugin ${row.plugin ?? "none"}; set CDC_SLOT to a name of its own for ${row.current}`,
    );
  }
  return row.confirmed ?? "0/0";
}

/** Drops the slot (tests, decommissioning): PostgreSQL keeps WAL for a slot until it is gone. */
export async function dropSlot(db: Kysely<Database>, slot: string): Promise<void> {
  await sql`select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = ${slot}`.execute(db);
}

function isDuplicate(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "42710";
}
