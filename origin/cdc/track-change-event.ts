import { dataschemaFor } from "../../shared/events/envelope.ts";
import { trackDeletedV1, trackUpdatedV1 } from "../../shared/events/track-events.ts";
import type { LogRecordInput } from "../events/event-log.ts";

/** CloudEvents `source` of everything CDC derives from table changes. */
export const cdcSource = "/tunec/cdc";
export const trackTable = "catalog.tracks";
export const trackTopic = trackUpdatedV1.topic;

/** A row as CDC sees it: column name → JSON value (to_jsonb's rendering). */
export type Row = Record<string, unknown>;

/** One row change in Debezium's terms: c = insert, u = update, d = delete. */
export interface RowChange {
  op: "c" | "u" | "d";
  before: Row | null;
  after: Row | null;
  source: { table: string; lsn?: string; txid?: number; ts_ms: number };
}

export interface ChangeEvent {
  id: string;
  type: string;
  topic: string;
  key: string;
  envelope: Record<string, unknown>;
}

/**
 * TrackUpdated (insert/update) or TrackDeleted (delete) for a catalog.tracks
 * change, keyed by track id. The trigger-mode SQL in trigger/capture-sql.ts
 * builds the very same envelope inside the database.
 */
export function trackChangeEvent(change: RowChange, id: string, time: Date): ChangeEvent {
  const definition = change.op === "d" ? trackDeletedV1 : trackUpdatedV1;
  const row = change.op === "d" ? change.before : change.after;
  const key = typeof row?.id === "string" ? row.id : "";
  const envelope = {
    specversion: "1.0",
    id,
    source: cdcSource,
    type: definition.type,
    time: time.toISOString(),
    subject: key,
    datacontenttype: "application/json",
    dataschema: dataschemaFor(definition.type),
    data: { op: change.op, before: change.before, after: change.after, source: change.source },
  };
  return { id, type: definition.type, topic: definition.topic, key, envelope };
}

/**
 * The log record of an event: the structured-mode CloudEvent as the value.
 * `value` is the envelope's JSON when the caller already has it as text.
 */
export function logRecordOf(event: { topic: string; key: string; envelope: Record<string, unknown> }, value = JSON.stringify(event.envelope)): LogRecordInput {
  const headers: Record<string, string> = { "content-type": "application/cloudevents+json; charset=utf-8" };
  const traceparent = event.envelope.traceparent;
  if (typeof traceparent === "string") headers.traceparent = traceparent;
  return { topic: event.topic, key: event.key, value, headers };
}
