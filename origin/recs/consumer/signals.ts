/**
 * Playback, likes and playlist adds → recs.interactions, the implicit-feedback
 * log the trainer reads (issue 12). The consumer framework runs the batch
 * handler inside the transaction that records its events in the inbox, so a
 * redelivered event is skipped; the (event_id, track_id) key makes even a second pass of
 * the same event a no-op. Rows are facts about one event each — nothing is
 * updated in place — so the log comes out the same in any delivery order: an
 * unlike delivered before its like still sums to zero.
 */
import { sql, type Transaction } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import type { BatchContext, EventBatchHandlers } from "../../events/consumer.ts";
import type { TunecEvent } from "../../../shared/events/catalog.ts";
import { ALBUM_LIKE_TRACKS, ARTIST_LIKE_TRACKS, EARLY_SKIP_MS, type RecsSignal, SIGNAL_WEIGHTS } from "../../../shared/recs/signals.ts";

export const recsGroup = "recs";
export const recsTopics = ["tunec.playback", "tunec.users"];

type TrackEventType =
  | "tunec.playback.playback-started.v1"
  | "tunec.playback.playback-finished.v1"
  | "tunec.users.track-liked.v1"
  | "tunec.users.track-unliked.v1"
  | "tunec.users.playlist-track-added.v1";

/** Likes of a whole album or artist: a signal for each track they cover, read from the catalog. */
type CollectionEventType = "tunec.users.album-liked.v1" | "tunec.users.album-unliked.v1" | "tunec.users.artist-liked.v1" | "tunec.users.artist-unliked.v1";

type RecsEventType = TrackEventType | CollectionEventType;

interface Signal {
  eventId: string;
  accountId: string;
  trackId: string;
  signal: RecsSignal;
  occurredAt: string;
}

/**
 * Inserts the signals in one statement (arrays through unnest: six
 * parameters however long the run, where a VALUES list would hit the
 * 65,535-parameter limit); returns how many were new.
 */
export async function recordSignals(trx: Transaction<Database>, signals: readonly Signal[]): Promise<number> {
  if (signals.length === 0) return 0;
  const inserted = await trx
    .insertInto("recs.interactions")
    .columns(["event_id", "account_id", "track_id", "signal", "weight", "occurred_at"])
    .expression(
      sql`select * from unnest(${signals.map((s) => s.eventId)}::uuid[], ${signals.map((s) => s.accountId)}::uuid[], ${signals.map((s) => s.trackId)}::uuid[],
        ${signals.map((s) => s.signal)}::text[], ${signals.map((s) => SIGNAL_WEIGHTS[s.signal])}::real[], ${signals.map((s) => s.occurredAt)}::timestamptz[])`,
    )
    .onConflict((oc) => oc.columns(["event_id", "track_id"]).doNothing())
    .returning("track_id")
    .execute();
  return inserted.length;
}

/** The signals one track event gives: none, one, or one per distinct playlist track. */
export function signalsOf(event: TunecEvent<TrackEventType>): Signal[] {
  const one = (trackId: string, signal: RecsSignal, occurredAt: string): Signal[] => [
    { eventId: event.id, accountId: event.data.userId, trackId, signal, occurredAt },
  ];
  switch (event.type) {
    case "tunec.playback.playback-started.v1":
      return one(event.data.trackId, "play", event.data.startedAt);
    case "tunec.playback.playback-finished.v1": {
      const signal = finishedSignal(event.data);
      return signal ? one(event.data.trackId, signal, event.data.finishedAt) : [];
    }
    case "tunec.users.track-liked.v1":
      return one(event.data.trackId, "like", event.data.likedAt);
    case "tunec.users.track-unliked.v1":
      return one(event.data.trackId, "unlike", event.data.unlikedAt);
    case "tunec.users.playlist-track-added.v1": {
      const { userId, trackIds, addedAt } = event.data;
      // One row per distinct track: the same track twice in one add is one signal (the key is event + track).
      return [...new Set(trackIds)].map((trackId) => ({ eventId: event.id, accountId: userId, trackId, signal: "playlist_add" as const, occurredAt: addedAt }));
    }
  }
}

/** Completed → 'complete'; stopped before EARLY_SKIP_MS → 'skip'; in between says nothing either way. */
export function finishedSignal(data: { completed: boolean; positionMs: number }): RecsSignal | undefined {
  if (data.completed) return "complete";
  return data.positionMs < EARLY_SKIP_MS ? "skip" : undefined;
}

/**
 * A fetched run of the recs events — of any of the nine types, so a
 * partition's alternating started/finished events stay one run — as ONE
 * insert: the consumer costs a round trip per batch, not per event.
 */
export async function recordEvents(events: ReadonlyArray<TunecEvent<RecsEventType>>, trx: Transaction<Database>, context: BatchContext): Promise<void> {
  const collections = events.filter(isCollectionEvent);
  const covered = collections.length > 0 ? await coveredTracks(trx, collections) : new Map<string, string[]>();
  const signals = events.flatMap((event) => (isCollectionEvent(event) ? collectionSignals(event, covered) : signalsOf(event)));
  const added = await recordSignals(trx, signals);
  context.logger.debug("signals recorded", { events: events.length, signals: signals.length, new: added });
}

/** The signal each album or artist event gives, with when it happened. */
const collectionSignal: { [T in CollectionEventType]: (data: TunecEvent<T>["data"]) => [RecsSignal, string] } = {
  "tunec.users.album-liked.v1": (data) => ["album_like", data.likedAt],
  "tunec.users.album-unliked.v1": (data) => ["album_unlike", data.unlikedAt],
  "tunec.users.artist-liked.v1": (data) => ["artist_like", data.likedAt],
  "tunec.users.artist-unliked.v1": (data) => ["artist_unlike", data.unlikedAt],
};

function isCollectionEvent(event: TunecEvent<RecsEventType>): event is TunecEvent<CollectionEventType> {
  return Object.hasOwn(collectionSignal, event.type);
}

const collectionKey = (event: TunecEvent<CollectionEventType>): string =>
  "albumId" in event.data ? `album:${event.data.albumId}` : `artist:${event.data.artistId}`;

/**
 * The tracks each liked album or artist covers, as the catalog has them when the event
 * is handled: an album's published tracks in album order, an artist's most popular
 * published ones. Two statements for the whole run, whatever its length. An unlike
 * reads the same selection, so like and unlike cancel out unless the catalog changed
 * in between (then the few tracks added or removed keep a small signal: rows are facts).
 */
async function coveredTracks(trx: Transaction<Database>, events: ReadonlyArray<TunecEvent<CollectionEventType>>): Promise<Map<string, string[]>> {
  const albumIds = [...new Set(events.flatMap((event) => ("albumId" in event.data ? [event.data.albumId] : [])))];
  const artistIds = [...new Set(events.flatMap((event) => ("artistId" in event.data ? [event.data.artistId] : [])))];
  const covered = new Map<string, string[]>();
  const add = (key: string, trackId: string) => {
    const tracks = covered.get(key);
    if (tracks) tracks.push(trackId);
    else covered.set(key, [trackId]);
  };
  if (albumIds.length > 0) {
    const rows = await sql<{ album_id: string; track_id: string }>`
      select a.id as album_id, t.id as track_id
      from unnest(${albumIds}::uuid[]) as a(id)
      cross join lateral (
        select id from catalog.tracks
        where album_id = a.id and status = 'published'
        order by position nulls last, id
        limit ${ALBUM_LIKE_TRACKS}
      ) t`.execute(trx);
    for (const row of rows.rows) add(`album:${row.album_id}`, row.track_id);
  }
  if (artistIds.length > 0) {
    const rows = await sql<{ artist_id: string; track_id: string }>`
      select a.id as artist_id, t.id as track_id
      from unnest(${artistIds}::uuid[]) as a(id)
      cross join lateral (
        select tr.id from catalog.tracks tr
        left join catalog.track_stats s on s.track_id = tr.id
        where tr.artist_id = a.id and tr.status = 'published'
        order by coalesce(s.popularity, 0) desc, tr.published_at desc nulls last, tr.id
        limit ${ARTIST_LIKE_TRACKS}
      ) t`.execute(trx);
    for (const row of rows.rows) add(`artist:${row.artist_id}`, row.track_id);
  }
  return covered;
}

function collectionSignals(event: TunecEvent<CollectionEventType>, covered: ReadonlyMap<string, string[]>): Signal[] {
  const [signal, occurredAt] = (collectionSignal[event.type] as (data: TunecEvent<CollectionEventType>["data"]) => [RecsSignal, string])(event.data);
  return (covered.get(collectionKey(event)) ?? []).map((trackId) => ({ eventId: event.id, accountId: event.data.userId, trackId, signal, occurredAt }));
}

/**
 * The recs consumer's handlers: every type goes to the same batch function
 * (the framework batches consecutive events with the same handler), so the
 * origin service and the replay of `recs:eval --through-kafka` run this one map.
 */
export const recsBatchHandlers: EventBatchHandlers = {
  "tunec.playback.playback-started.v1": recordEvents,
  "tunec.playback.playback-finished.v1": recordEvents,
  "tunec.users.track-liked.v1": recordEvents,
  "tunec.users.track-unliked.v1": recordEvents,
  "tunec.users.playlist-track-added.v1": recordEvents,
  "tunec.users.album-liked.v1": recordEvents,
  "tunec.users.album-unliked.v1": recordEvents,
  "tunec.users.artist-liked.v1": recordEvents,
  "tunec.users.artist-unliked.v1": recordEvents,
};
