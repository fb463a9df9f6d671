import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { signUpWithRoles } from "../../auth/testing.ts";
import { signUpArtist, withDb } from "../../ingestion/testing.ts";
import { dayRange } from "./track-stats.ts";

interface Figures {
  days: string[];
  tracks: Array<{
    track_id: string;
    title: string;
    totals: { starts: number; plays: number; listener_days: number; completion_rate: number | null };
    daily: { plays: number[]; listeners: number[]; completion_rate: Array<number | null> };
  }>;
}

const get = (path: string, token: string | null) => SELF.fetch(`https://tunec.test${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe("GET /me/tracks/stats", () => {
  it("gives the caller's tracks one value per day, zeros where nothing played, and never another artist's", async () => {
    const artist = await signUpArtist("Графики");
    const other = await signUpArtist("Чужие графики");
    const days = dayRange(7);
    const [today, twoDaysAgo] = [days.at(-1) ?? "", days.at(-3) ?? ""];
    const [mine, theirs] = await withDb(async (db) => {
      const insert = (artistId: string, title: string) =>
        db
          .insertInto("catalog.tracks")
          .values({ title, artist_id: artistId, duration_ms: 200_000, status: "published", published_at: new Date() })
          .returning("id")
          .executeTakeFirstOrThrow();
      const rows = [await insert(artist.artistId, "Мой трек"), await insert(other.artistId, "Чужой трек")];
      await db
        .insertInto("catalog.track_daily_stats")
        .values([
          { track_id: rows[0]?.id ?? "", day: today, starts: 5, plays: 4, listeners: 2, finishes: 4, completed: 3 },
          { track_id: rows[0]?.id ?? "", day: twoDaysAgo, starts: 1, plays: 1, listeners: 1, finishes: 1, completed: 0 },
          { track_id: rows[0]?.id ?? "", day: "2001-01-01", starts: 9, plays: 9, listeners: 9, finishes: 9, completed: 9 },
          { track_id: rows[1]?.id ?? "", day: today, starts: 7, plays: 7, listeners: 7, finishes: 7, completed: 7 },
        ])
        .execute();
      return rows;
    });
    const response = await get("/me/tracks/stats?days=7", artist.token);
    expect(response.status).toBe(200);
    const figures = await response.json<Figures>();
    expect(figures.days).toEqual(days);
    expect(figures.tracks.map((track) => track.track_id)).toEqual([mine?.id]);
    expect(figures.tracks[0]).toMatchObject({
      title: "Мой трек",
      totals: { starts: 6, plays: 5, listener_days: 3, completion_rate: 0.6 },
      daily: { plays: [0, 0, 0, 0, 1, 0, 4], listeners: [0, 0, 0, 0, 1, 0, 2], completion_rate: [null, null, null, null, 0, null, 0.75] },
    });
    expect(theirs).toBeDefined();
  });

  it("is for artists: anonymous 401, listener 403, days outside 7–90 refused", async () => {
    expect((await get("/me/tracks/stats", null)).status).toBe(401);
    expect((await get("/me/tracks/stats", (await signUpWithRoles(["listener"])).access_token)).status).toBe(403);
    const artist = await signUpArtist("Дни");
    expect((await get("/me/tracks/stats?days=3", artist.token)).status).toBe(400);
    expect((await get("/me/tracks/stats?days=365", artist.token)).status).toBe(400);
    expect(await (await get("/me/tracks/stats", artist.token)).json()).toMatchObject({ tracks: [] });
  });
});
