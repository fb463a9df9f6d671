/** subsonic.now_playing: one row per device of a listener, replaced at each new play. */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";

export async function setNowPlaying(db: Kysely<Database>, userId: string, credentialId: string, trackId: string, client: string): Promise<void> {
  const row = { track_id: trackId, client: client.slice(0, 100), started_at: new Date() };
  await db
    .insertInto("subsonic.now_playing")
    .values({ user_id: userId, credential_id: credentialId, ...row })
    .onConflict((oc) => oc.columns(["user_id", "credential_id"]).doUpdateSet(row))
    .execute();
}

/** The device finished this track: it plays nothing until its next play. */
export async function clearNowPlaying(db: Kysely<Database>, userId: string, credentialId: string, trackId: string): Promise<void> {
  await db.deleteFrom("subsonic.now_playing").where("user_id", "=", userId).where("credential_id", "=", credentialId).where("track_id", "=", trackId).execute();
}

export interface NowPlayingRow {
  credential_id: string;
  track_id: string;
  client: string;
  minutes_ago: number;
}

/** The listener's devices still within their track (plus ten minutes of pause), newest first. */
export async function listNowPlaying(db: Kysely<Database>, userId: string): Promise<NowPlayingRow[]> {
  const result = await sql<NowPlayingRow>`
    select n.credential_id, n.track_id, n.client, floor(extract(epoch from now() - n.started_at) / 60)::int as minutes_ago
    from subsonic.now_playing n join catalog.tracks t on t.id = n.track_id and t.status = 'published'
    where n.user_id = ${userId} and n.started_at > now() - (t.duration_ms + 600000) * interval '1 millisecond'
    order by n.started_at desc limit 20`.execute(db);
  return result.rows;
}
