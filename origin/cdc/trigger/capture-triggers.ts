import { sql, type Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import { dataschemaFor } from "../../../shared/events/envelope.ts";
import { trackDeletedV1, trackUpdatedV1 } from "../../../shared/events/track-events.ts";
import { cdcSource, trackTopic } from "../track-change-event.ts";

/**
 * Trigger mode's capture: a row trigger on catalog.tracks writes the same
 * TrackUpdated/TrackDeleted envelope that WAL mode builds (see
 * track-change-event.ts) as an events.outbox row, in the writer's own
 * transaction. The relay then moves it like any outbox row.
 *
 * Installed and removed by the CDC service for its mode rather than by a
 * migration: in WAL mode the trigger must not exist at all, or every change
 * would be announced twice (once from the WAL, once through the outbox), and a
 * setting-based guard would depend on every writer's session settings.
 */
const functionName = "events.cdc_capture_track_change";
const triggerName = "tunec_cdc_capture";

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

// TimeZone=UTC makes to_jsonb render timestamps as WAL mode does (+00:00).
const captureFunction = `
create or replace function ${functionName}() returns trigger
language plpgsql set timezone to 'UTC' as $fn$
declare
  before_row jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
  after_row jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
  track_id text := coalesce(after_row, before_row) ->> 'id';
  event_type text := case when tg_op = 'DELETE' then ${quote(trackDeletedV1.type)} else ${quote(trackUpdatedV1.type)} end;
  event_id uuid := gen_random_uuid();
begin
  insert into events.outbox (id, topic, key, type, event)
  values (event_id, ${quote(trackTopic)}, track_id, event_type, jsonb_build_object(
    'specversion', '1.0',
    'id', event_id,
    'source', ${quote(cdcSource)},
    'type', event_type,
    'time', to_jsonb(clock_timestamp()),
    'subject', track_id,
    'datacontenttype', 'application/json',
    'dataschema', case when tg_op = 'DELETE' then ${quote(dataschemaFor(trackDeletedV1.type))} else ${quote(dataschemaFor(trackUpdatedV1.type))} end,
    'data', jsonb_build_object(
      'op', case tg_op when 'INSERT' then 'c' when 'UPDATE' then 'u' else 'd' end,
      'before', before_row,
      'after', after_row,
      'source', jsonb_build_object(
        'table', tg_table_schema || '.' || tg_table_name,
        'txid', pg_current_xact_id()::text::bigint,
        'ts_ms', floor(extract(epoch from clock_timestamp()) * 1000)::bigint))));
  return null;
end;
$fn$`;

/** Installs (or refreshes) the capture trigger; idempotent. */
export async function installCaptureTriggers(db: Kysely<Database>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql.raw(captureFunction).execute(trx);
    await sql
      .raw(`create or replace trigger ${triggerName} after insert or update or delete on catalog.tracks for each row execute function ${functionName}()`)
      .execute(trx);
  });
}

/** Removes the capture trigger (WAL mode); idempotent. */
export async function removeCaptureTriggers(db: Kysely<Database>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql.raw(`drop trigger if exists ${triggerName} on catalog.tracks`).execute(trx);
    await sql.raw(`drop function if exists ${functionName}()`).execute(trx);
  });
}

export async function captureTriggersInstalled(db: Kysely<Database>): Promise<boolean> {
  const result = await sql<{ present: boolean }>`
    select exists (select 1 from pg_trigger where tgname = ${triggerName} and tgrelid = 'catalog.tracks'::regclass) as present`.execute(db);
  return result.rows[0]?.present ?? false;
}
