import { z } from "zod";
import { defineEvent } from "./definition.ts";
import { entityId, instant } from "./primitives.ts";

/**
 * A `catalog.tracks` row as CDC sees it: snake_case columns, timestamps as
 * RFC 3339 strings. Loose, so a column added by a later migration reaches
 * consumers without a new event version.
 */
export const trackRow = z
  .looseObject({
    id: entityId,
    title: z.string(),
    artist_id: entityId,
    album_id: entityId.nullable(),
    position: z.int().nullable(),
    duration_ms: z.int().nonnegative(),
    explicit: z.boolean(),
    genres: z.array(z.string()),
    language: z.string().nullable(),
    isrc: z.string().nullable(),
    status: z.enum(["draft", "published", "taken_down"]),
    published_at: instant.nullable(),
    created_at: instant,
    updated_at: instant,
  })
  .meta({ description: "A catalog.tracks row (snake_case columns)." });

export type TrackRow = z.infer<typeof trackRow>;

/** Where in the database the change came from (Debezium's `source` block). */
export const changeSource = z.object({
  table: z.string().min(1).meta({ description: "schema.table, e.g. catalog.tracks." }),
  lsn: z.string().optional().meta({ description: "WAL position (pg_lsn text, e.g. 0/16B3748); absent in trigger mode." }),
  txid: z.int().nonnegative().optional().meta({ description: "PostgreSQL transaction id." }),
  ts_ms: z.int().nonnegative().meta({ description: "Commit time, milliseconds since the Unix epoch." }),
});

const trackUpsert = z.object({
  op: z.enum(["c", "u"]).meta({ description: "c = insert, u = update." }),
  before: trackRow.nullable().meta({ description: "The row before the change; null on insert." }),
  after: trackRow,
  source: changeSource,
});

const trackRemoval = z.object({
  op: z.literal("d"),
  before: trackRow.meta({ description: "The deleted row (catalog.tracks has REPLICA IDENTITY FULL)." }),
  after: z.null(),
  source: changeSource,
});

export const trackUpdatedV1 = defineEvent({
  type: "tunec.catalog.track-updated.v1",
  name: "TrackUpdated",
  version: 1,
  topic: "tunec.catalog.tracks",
  key: (data) => data.after.id,
  description: "A catalog.tracks row was inserted or updated (by a service or by hand in SQL), with before/after images.",
  schema: trackUpsert,
});

export const trackDeletedV1 = defineEvent({
  type: "tunec.catalog.track-deleted.v1",
  name: "TrackDeleted",
  version: 1,
  topic: "tunec.catalog.tracks",
  key: (data) => data.before.id,
  description: "A catalog.tracks row was deleted; `before` holds the last state.",
  schema: trackRemoval,
});
