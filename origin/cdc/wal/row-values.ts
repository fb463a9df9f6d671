import pg from "pg";
import type { Pgoutput } from "pg-logical-replication";

/**
 * pgoutput sends column values as PostgreSQL text. For captured tables CDC
 * renders them as `to_jsonb(row)` would, so a row looks the same whether WAL
 * mode or the trigger-mode SQL produced it. The replication session runs with
 * TimeZone=UTC and DateStyle=ISO, and the trigger function with TimeZone=UTC.
 */
const oid = {
  bool: 16,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
  jsonb: 3802,
};

export function jsonValueParser(typeOid: number): (text: string) => unknown {
  switch (typeOid) {
    case oid.bool:
      return (text) => text === "t";
    case oid.int2:
    case oid.int4:
    case oid.int8:
    case oid.oid:
    case oid.float4:
    case oid.float8:
    case oid.numeric:
      // to_jsonb writes numbers (NaN and infinities stay strings there too).
      return (text) => (Number.isFinite(Number(text)) ? Number(text) : text);
    case oid.json:
    case oid.jsonb:
      return (text) => JSON.parse(text);
    case oid.timestamptz:
      return timestamptzJson;
    case oid.timestamp:
      return (text) => text.replace(" ", "T");
    case oid.date:
      return (text) => text;
    default:
      // Arrays of text, ints, uuids...: node-postgres' parser gives JS arrays; the rest stays text.
      return pg.types.getTypeParser(typeOid, "text");
  }
}

/** "2024-05-01 10:00:00.5+00" → "2024-05-01T10:00:00.5+00:00" (to_jsonb's XSD form). */
export function timestamptzJson(text: string): string {
  const iso = text.replace(" ", "T");
  return /[+-]\d{2}$/.test(iso) ? `${iso}:00` : iso;
}

/**
 * Leaves the named columns as PostgreSQL's text: the outbox's `event` (jsonb)
 * is passed to the log as the text it already is, instead of being parsed to
 * an object and serialised again, and its timestamps are never read.
 */
export function keepColumnsAsText(relation: Pgoutput.MessageRelation, columns: ReadonlySet<string>): void {
  for (const column of relation.columns) if (columns.has(column.name)) column.parser = asText;
}

const asText = (text: string): string => text;

/** Swaps a relation's column parsers for the JSON renderers above; call on its `relation` message. */
export function renderColumnsAsJson(relation: Pgoutput.MessageRelation): void {
  for (const column of relation.columns) column.parser = jsonValueParser(column.typeOid);
}
