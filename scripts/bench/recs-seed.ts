/**
 * The seeded model of the wave benches (scripts/bench/recs-wave.ts,
 * recs-wave-profile.ts): 20 genres of `trackCount / 20` tracks (10 artists
 * each), each track with 20 neighbours in its genre, popularity per genre and
 * overall; every listener has 30 recent signals in two genres.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import { SIGNAL_WEIGHTS } from "../../shared/recs/signals.ts";

export const benchGenres = 20;

export async function seedWaveBench(
  db: Kysely<Database>,
  options: { trackCount: number; listenerCount: number },
): Promise<{ listenerIds: string[]; trackIds: string[] }> {
  const genres = benchGenres;
  const { trackCount, listenerCount } = options;
  const trackIds: string[][] = [];
  for (let g = 0; g < genres; g += 1) {
    const artists = await db
      .insertInto("catalog.artists")
      .values(Array.from({ length: 10 }, (_, a) => ({ name: `Genre ${g} artist ${a}` })))
      .returning("id")
      .execute();
    const rows = await db
      .insertInto("catalog.tracks")
      .values(
        Array.from({ length: trackCount / genres }, (_, i) => ({
          title: `G${g} T${i}`,
          artist_id: artists[i % artists.length]?.id ?? "",
          duration_ms: 200_000,
          status: "published" as const,
          published_at: new Date(),
          genres: [`genre${g}`],
          language: g % 2 ? "ru" : "en",
        })),
      )
      .returning("id")
      .execute();
    trackIds.push(rows.map((row) => row.id));
  }
  const all = trackIds.flat();
  for (const group of trackIds) {
    await db
      .insertInto("recs.track_neighbors")
      .values(
        group.flatMap((id, i) =>
          Array.from({ length: 20 }, (_, rank) => ({ track_id: id, rank, neighbor_id: group[(i + rank + 1) % group.length] ?? id, score: 1 - rank / 40 })),
        ),
      )
      .execute();
  }
  await db
    .insertInto("recs.popular_tracks")
    .values([
      ...trackIds.flatMap((group, g) => group.slice(0, 200).map((id, rank) => ({ segment: `genre:genre${g}`, rank, track_id: id, score: 200 - rank }))),
      ...all.slice(0, 200).map((id, rank) => ({ segment: "all", rank, track_id: id, score: 200 - rank })),
    ])
    .execute();
  const listenerIds: string[] = [];
  for (let l = 0; l < listenerCount; l += 1) {
    const userId = crypto.randomUUID();
    const favourite = [trackIds[l % genres] ?? [], trackIds[(l + 7) % genres] ?? []];
    await db
      .insertInto("recs.interactions")
      .values(
        Array.from({ length: 30 }, (_, i) => ({
          event_id: crypto.randomUUID(),
          account_id: userId,
          track_id: favourite[i % 2]?.[i] ?? "",
          signal: i % 3 === 0 ? ("like" as const) : ("complete" as const),
          weight: i % 3 === 0 ? SIGNAL_WEIGHTS.like : SIGNAL_WEIGHTS.complete,
          occurred_at: new Date(Date.now() - i * 3_600_000),
        })),
      )
      .execute();
    listenerIds.push(userId);
  }
  return { listenerIds, trackIds: all };
}
