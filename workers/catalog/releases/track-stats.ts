/**
 * An artist's figures per track and day (catalog.track_daily_stats, kept by
 * the track-stats service from the play events): the studio's plots. Only the
 * tracks of profiles the caller manages; days without plays are zeros.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";

/** More tracks than a label's page would show at once; the studio lists the newest. */
export const maxStatsTracks = 500;

export interface DailySeries {
  starts: number[];
  plays: number[];
  listeners: number[];
  /** Finished plays that reached the end, among finished plays; null on a day nothing finished. */
  completion_rate: Array<number | null>;
}

export interface TrackFigures {
  track_id: string;
  title: string;
  artist_id: string;
  status: "draft" | "published" | "taken_down";
  totals: { starts: number; plays: number; listener_days: number; completion_rate: number | null };
  daily: DailySeries;
}

/** The last `days` UTC days, oldest first, ending today. */
export function dayRange(days: number, today: Date = new Date()): string[] {
  const end = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return Array.from({ length: days }, (_, index) => new Date(end - (days - 1 - index) * 86_400_000).toISOString().slice(0, 10));
}

const rate = (completed: number, finishes: number) => (finishes > 0 ? Math.round((completed / finishes) * 1000) / 1000 : null);

export async function managedTrackFigures(db: Kysely<Database>, userId: string, days: string[]): Promise<TrackFigures[]> {
  const tracks = await db
    .selectFrom("catalog.tracks as t")
    .select(["t.id", "t.title", "t.artist_id", "t.status"])
    .where(sql<boolean>`exists (select 1 from catalog.artist_managers m where m.artist_id = t.artist_id and m.user_id = ${userId})`)
    .where("t.status", "!=", "draft")
    .orderBy("t.published_at", "desc")
    .orderBy("t.id")
    .limit(maxStatsTracks)
    .execute();
  if (tracks.length === 0) return [];
  const rows = await db
    .selectFrom("catalog.track_daily_stats")
    .select(["track_id", "starts", "plays", "listeners", "finishes", "completed", sql<string>`to_char(day, 'YYYY-MM-DD')`.as("day")])
    .where(
      "track_id",
      "in",
      tracks.map((track) => track.id),
    )
    .where(sql<boolean>`day >= ${days[0] ?? "1970-01-01"}::date`)
    .execute();
  const index = new Map(days.map((day, position) => [day, position]));
  return tracks.map((track) => {
    const zeros = () => days.map(() => 0);
    const series = { starts: zeros(), plays: zeros(), listeners: zeros(), finishes: zeros(), completed: zeros() };
    for (const row of rows) {
      const at = index.get(row.day);
      if (row.track_id !== track.id || at === undefined) continue;
      for (const key of ["starts", "plays", "listeners", "finishes", "completed"] as const) series[key][at] = row[key];
    }
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    return {
      track_id: track.id,
      title: track.title,
      artist_id: track.artist_id,
      status: track.status,
      totals: {
        starts: sum(series.starts),
        plays: sum(series.plays),
        listener_days: sum(series.listeners),
        completion_rate: rate(sum(series.completed), sum(series.finishes)),
      },
      daily: {
        starts: series.starts,
        plays: series.plays,
        listeners: series.listeners,
        completion_rate: series.completed.map((completed, at) => rate(completed, series.finishes[at] ?? 0)),
      },
    };
  });
}
