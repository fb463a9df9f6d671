import { sql, type RawBuilder } from "kysely";

/** RFC 3339 with microseconds: exact enough to be a keyset position (a JS Date drops microseconds). */
export const utcMicros = (column: RawBuilder<unknown>) => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
