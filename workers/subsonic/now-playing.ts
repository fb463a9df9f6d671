/** subsonic.now_playing: one row per device of a listener, replaced at each new play, with the device's stream lease. */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";

export interface NowPlayingInput {
  trackId: string;
  client: string;
  /** The stream lease the device holds for this play; null when it only said it plays (a scrobble). */
  leaseId: string | null;
  /** Shown as playing from now: a new play, or a "now playing" scrobble. False when a play goes on (only its lease may change). */
  restart: boolean;
}

export async function setNowPlaying(db: Kysely<Database>, userId: string, credentialId: string, input: NowPlayingInput): Promise<void> {
  const row = { track_id: input.trackId, client: input.client.slice(0, 100), lease_id: input.leaseId };
  const restart = input.restart ? { started_at: new Date(), submitted: false } : {};
  await db
    .insertInto("subsonic.now_playing")
    .values({ user_id: userId, credential_id: credentialId, ...row, started_at: new Date() })
    .onConflict((oc) => oc.columns(["user_id", "credential_id"]).doUpdateSet({ ...row, ...restart }))
    .execute();
}

/** The play a device started last and the lease it got for it. */
export async function devicePlay(db: Kysely<Database>, userId: string, credentialId: string): Promise<{ track_id: string; lease_id: string | null } | undefined> {
  return db
    .selectFrom("subsonic.now_playing")
    .select(["track_id", "lease_id"])
    .where("user_id", "=", userId)
    .where("credential_id", "=", credentialId)
    .executeTakeFirst();
}

/** The device scrobbled this track as played: not "now playing" any more (the row keeps its lease). */
export async function endNowPlaying(db: Kysely<Database>, userId: string, credentialId: string, trackId: string): Promise<void> {
  await db
    .updateTable("subsonic.now_playing")
    .set({ submitted: true })
    .where("user_id", "=", userId)
    .where("credential_id", "=", credentialId)
    .where("track_id", "=", trackId)
    .execute();
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
    where n.user_id = ${userId} and not n.submitted and n.started_at > now() - (t.duration_ms + 600000) * interval '1 millisecond'
    order by n.started_at desc limit 20`.execute(db);
  return result.rows;
}
