/**
 * Everything a wave request reads, in ONE statement (one round trip from the
 * Worker, whose single connection would run separate queries one after the
 * other anyway):
 *
 * - the listener's state: the session upsert (and the old session's served
 *   rows dropped when it rolled over), the decayed signal sum per recent
 *   track, hidden tracks, the onboarding taste, this session's served tracks
 *   with their feedback;
 * - the choice of what to expand, made in SQL so the candidates come back in
 *   the same round trip: the seeds (the strongest preferences, a live like
 *   adding `liveLikeBoost`), the top artists, genres and language of the seeds
 *   (plus the taste's genres) and the chosen artists not among them;
 * - every candidate source: the seeds' neighbour lists, popularity of the
 *   chosen segments and overall, the most popular tracks of the artists;
 * - the catalog rows (published only) of the profile's tracks and of every
 *   candidate.
 *
 * Before, the state and the candidates were two statements with the seed
 * choice in JavaScript between them (docs/recommendations-serving.md). The
 * choice keeps that code's rules exactly: ties broken by key, weights summed
 * in seed order (`sum(... order by n)`), so the float sums are the same.
 * The result is one row of compact JSON arrays: the Worker reads and parses it
 * on every request. The profile rules (profile.ts's constants) are also those
 * of the mixes' state statement (mixes.ts).
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import type { CandidateMeta, Neighbor, Popular, TrackMeta } from "./candidates.ts";
import { type Feedback, halfLifeDays, type Profile, recentSignals, type SessionState, sessionUpsertCtes } from "./profile.ts";

/** How much of each source a request reads; wave.ts owns the values. */
export interface WaveDepths {
  /** Seeds (the listener's strongest tracks) expanded per request. */
  maxSeeds: number;
  /** Neighbours read per seed (the trainer stores up to its K). */
  perSeed: number;
  /** A like in this session adds this much preference to the track. */
  liveLikeBoost: number;
  topArtists: number;
  topGenres: number;
  /** Taste artists outside the seeds' artists that are expanded too. */
  chosenArtists: number;
  segmentDepth: number;
  /** Depth of the overall list ('all'), the exploration / cold-start pool. */
  allDepth: number;
  perArtist: number;
}

export interface Weighted {
  key: string;
  /** Relative to the strongest seed (1), summed over the seeds (and taste genres, 1 each). */
  weight: number;
}

export interface WaveRead {
  profile: Profile;
  session: SessionState;
  /** Published tracks among the profile's, the session's liked and the candidates. */
  meta: Map<string, CandidateMeta>;
  /** The published profile and session-liked tracks, with what reasons name. */
  known: Map<string, TrackMeta>;
  /** How many seeds the preferences gave (0: no positive signal at all). */
  seedCount: number;
  topArtists: Array<Weighted & { name: string }>;
  topGenres: Weighted[];
  topLanguage: Weighted[];
  /** Taste artists outside the seeds' artists, in the taste's order, with their names ("" when gone). */
  chosenArtists: Array<{ key: string; name: string }>;
  /** The neighbour lists of the published seeds, seeds in id order, each best first. */
  neighbors: Neighbor[];
  /** Each chosen segment and 'all', best first (unpublished tracks kept: a segment's maximum stays the trainer's). */
  popular: Popular[];
  artistTracks: Array<{ id: string; artistId: string }>;
}

interface ReadRow {
  session_id: string;
  /** [track id, decayed score, liked]. */
  scores: Array<[string, number, boolean]>;
  hidden: string[];
  /** [artist ids, genres, allow explicit]. */
  taste: [string[], string[], boolean] | null;
  /** [track id, artist id, feedback]. */
  served: Array<[string, string, Feedback | null]>;
  seed_count: number;
  /** [artist id, weight, name], best first. */
  top_artists: Array<[string, number, string]>;
  /** [genre, weight], best first. */
  top_genres: Array<[string, number]>;
  top_language: Array<[string, number]>;
  /** [artist id, name]. */
  chosen: Array<[string, string | null]>;
  /** seed id → [neighbour id, score as stored (float4)], best first. */
  neighbors: Record<string, Array<[string, number]>>;
  /** segment → [track id, score], best first. */
  popular: Record<string, Array<[string, number]>>;
  /** artist id → track ids, most popular first. */
  artists: Record<string, string[]>;
  /** The profile's tracks: [id, title, artist id, artist name, explicit, genres, language]. */
  known: Array<[string, string, string, string, boolean, string[], string | null]>;
  /** The other candidates (most of the row, so no title, artist name or language): [id, artist id, explicit, genres]. */
  meta: Array<[string, string, boolean, string[]]>;
}

export async function loadWave(db: Kysely<Database>, accountId: string, depths: WaveDepths): Promise<WaveRead> {
  // Data-modifying CTEs all see the snapshot from before the statement: `served`
  // reads the current session's rows, and a new session id has none.
  // `= any(array(select ...))` rather than `in (select ...)`: an init plan whose
  // array the primary keys' index scans take, as the ids passed from JS did.
  const result = await sql<ReadRow>`
    with ${sessionUpsertCtes(accountId)},
    recent as (
      select track_id, signal, weight, greatest(0, extract(epoch from now() - occurred_at) / 86400) as age_days
      from recs.interactions where account_id = ${accountId} order by occurred_at desc limit ${recentSignals}),
    scores as (
      select track_id, sum(weight::float8 * power(0.5::float8, age_days::float8 / ${halfLifeDays}))::float8 as score,
        sum(case when signal in ('like', 'wave_like') then 1 when signal = 'unlike' then -1 else 0 end) > 0 as liked
      from recent group by track_id),
    served as (select w.track_id, w.artist_id, w.feedback from recs.wave_served w join touched t on t.session_id = w.session_id),
    hidden as (select track_id from recs.hidden_tracks where account_id = ${accountId}),
    taste as (select artist_ids, genres, allow_explicit from recs.taste where account_id = ${accountId}),
    known as (
      select t.id, t.title, t.artist_id, a.name as artist_name, t.explicit, t.genres, t.language
      from catalog.tracks t join catalog.artists a on a.id = t.artist_id
      where t.status = 'published' and t.published_at is not null
        and t.id = any(array(select track_id from scores union select track_id from served where feedback = 'like'))),
    prefs as (
      select track_id, sum(weight order by part) as weight from (
        select track_id, score as weight, 0 as part from scores where track_id not in (select track_id from hidden)
        union all
        select track_id, ${depths.liveLikeBoost}::float8, 1 from served where feedback = 'like') p
      group by track_id),
    seeds as (
      select track_id, weight, row_number() over (order by weight desc, track_id) as n
      from prefs where weight > 0 order by weight desc, track_id limit ${depths.maxSeeds}),
    seed_meta as (
      select s.n, s.track_id, s.weight / (select max(weight) from seeds) as w, k.artist_id, k.artist_name, k.genres, k.language
      from seeds s join known k on k.id = s.track_id),
    artist_w as (select artist_id, sum(w order by n) as weight, min(artist_name) as name from seed_meta group by artist_id),
    top_artists as (select artist_id, weight, name from artist_w where weight > 0 order by weight desc, artist_id limit ${depths.topArtists}),
    genre_w as (
      select genre, sum(w order by n, o) as weight from (
        select m.n, g.o, g.genre, m.w from seed_meta m, unnest(m.genres) with ordinality g(genre, o)
        union all
        select ${depths.maxSeeds + 1}::bigint, g.o, g.genre, 1::float8 from taste, unnest(taste.genres) with ordinality g(genre, o)) x
      group by genre),
    top_genres as (select genre, weight from genre_w where weight > 0 order by weight desc, genre collate "C" limit ${depths.topGenres}),
    top_language as (
      select language, sum(w order by n) as weight from seed_meta where language is not null and language <> 'zxx'
      group by language order by weight desc, language collate "C" limit 1),
    chosen as (
      select c.id as artist_id, c.o from taste, unnest(taste.artist_ids) with ordinality c(id, o)
      where c.id not in (select artist_id from artist_w) order by c.o limit ${depths.chosenArtists}),
    nb as (
      select n.track_id, n.neighbor_id, n.score, n.rank from recs.track_neighbors n
      where n.track_id = any(array(select track_id from seed_meta)) and n.rank < ${depths.perSeed}),
    pop as (
      select p.segment, p.track_id, p.score, p.rank from recs.popular_tracks p
      where (p.segment = any(array(select 'genre:' || genre from top_genres union all select 'language:' || language from top_language))
          and p.rank < ${depths.segmentDepth})
        or (p.segment = 'all' and p.rank < ${depths.allDepth})),
    art as (
      select id, artist_id, n from (
        select t.id, t.artist_id, row_number() over (partition by t.artist_id order by coalesce(s.popularity, 0) desc, t.id) as n
        from catalog.tracks t left join catalog.track_stats s on s.track_id = t.id
        where t.artist_id = any(array(select artist_id from top_artists union all select artist_id from chosen)) and t.status = 'published'
      ) ranked where n <= ${depths.perArtist})
    select (select session_id from touched) as session_id,
      coalesce((select json_agg(json_build_array(track_id, score, liked)) from scores), '[]') as scores,
      coalesce((select json_agg(track_id) from hidden), '[]') as hidden,
      (select json_build_array(artist_ids, genres, allow_explicit) from taste) as taste,
      coalesce((select json_agg(json_build_array(track_id, artist_id, feedback)) from served), '[]') as served,
      (select count(*) from seeds)::int as seed_count,
      coalesce((select json_agg(json_build_array(artist_id, weight, name) order by weight desc, artist_id) from top_artists), '[]') as top_artists,
      coalesce((select json_agg(json_build_array(genre, weight) order by weight desc, genre collate "C") from top_genres), '[]') as top_genres,
      coalesce((select json_agg(json_build_array(language, weight)) from top_language), '[]') as top_language,
      coalesce((
        select json_agg(json_build_array(c.artist_id, a.name) order by c.o) from chosen c left join catalog.artists a on a.id = c.artist_id), '[]') as chosen,
      coalesce((select json_object_agg(track_id, list) from (
        select track_id, json_agg(json_build_array(neighbor_id, score) order by rank) as list from nb group by track_id) lists), '{}') as neighbors,
      coalesce((select json_object_agg(segment, list) from (
        select segment, json_agg(json_build_array(track_id, score::float8) order by rank) as list from pop group by segment) lists), '{}') as popular,
      coalesce((select json_object_agg(artist_id, list) from (
        select artist_id, json_agg(id order by n) as list from art group by artist_id) lists), '{}') as artists,
      coalesce((select json_agg(json_build_array(id, title, artist_id, artist_name, explicit, genres, language)) from known), '[]') as known,
      coalesce((
        select json_agg(json_build_array(t.id, t.artist_id, t.explicit, t.genres))
        from catalog.tracks t
        where t.status = 'published' and t.published_at is not null
          and t.id = any(array(
            select neighbor_id from nb union select track_id from pop union select id from art except select id from known))), '[]') as meta
  `.execute(db);
  const row = result.rows[0];
  if (!row) throw new Error("wave statement returned nothing");
  const neighbors: Neighbor[] = [];
  // Seeds in id order, as the neighbour rows always came: recommend() breaks score ties by first appearance.
  for (const seed of Object.keys(row.neighbors).sort()) for (const [id, score] of row.neighbors[seed] ?? []) neighbors.push({ seed, id, score });
  const popular: Popular[] = [];
  for (const segment of Object.keys(row.popular).sort()) for (const [id, score] of row.popular[segment] ?? []) popular.push({ segment, id, score });
  const artistTracks: Array<{ id: string; artistId: string }> = [];
  for (const artistId of Object.keys(row.artists).sort()) for (const id of row.artists[artistId] ?? []) artistTracks.push({ id, artistId });
  const known = new Map<string, TrackMeta>(
    row.known.map(([id, title, artistId, artistName, explicit, genres, language]) => [id, { id, title, artistId, artistName, explicit, genres, language }]),
  );
  return {
    profile: {
      trackScores: new Map(row.scores.map(([id, score]) => [id, score])),
      liked: new Set(row.scores.filter(([, , liked]) => liked).map(([id]) => id)),
      hidden: new Set(row.hidden),
      taste: { artistIds: row.taste?.[0] ?? [], genres: row.taste?.[1] ?? [], allowExplicit: row.taste?.[2] ?? true },
    },
    session: {
      sessionId: row.session_id,
      served: row.served.map(([trackId, artistId, feedback]) => ({ trackId, artistId, feedback })),
    },
    meta: new Map([...row.meta.map(([id, artistId, explicit, genres]) => [id, { id, artistId, explicit, genres }] as const), ...known]),
    known,
    seedCount: row.seed_count,
    topArtists: row.top_artists.map(([key, weight, name]) => ({ key, weight, name })),
    topGenres: row.top_genres.map(([key, weight]) => ({ key, weight })),
    topLanguage: row.top_language.map(([key, weight]) => ({ key, weight })),
    chosenArtists: row.chosen.map(([key, name]) => ({ key, name: name ?? "" })),
    neighbors,
    popular,
    artistTracks,
  };
}
