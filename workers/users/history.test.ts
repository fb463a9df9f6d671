import { beforeAll, describe, expect, it } from "vitest";
import { recordPlay } from "./domain/history.ts";
import { call, expectJson, signUpUser, withDb, type User } from "./testing.ts";

interface HistoryPage {
  plays: Array<{ play_id: string; track_id: string; started_at: string }>;
  next_cursor: string | null;
}

describe("listening history in workerd", () => {
  let user: User;
  let other: User;
  const plays: string[] = [];
  beforeAll(async () => {
    [user, other] = await Promise.all([signUpUser(), signUpUser()]);
    // What the users-history consumer writes (its own suite feeds it real PlaybackStarted events).
    await withDb(async (db) => {
      for (let minute = 0; minute < 5; minute++) {
        const playId = crypto.randomUUID();
        plays.push(playId);
        // Two plays in the same microsecond: the play id breaks the tie in the cursor.
        const startedAt = `2026-05-01T10:0${Math.min(minute, 3)}:00.000001Z`;
        await recordPlay(db, { playId, userId: user.userId, trackId: crypto.randomUUID(), quality: "standard", deviceId: "d", startPositionMs: 0, startedAt });
      }
    });
  });

  it("pages the caller's plays newest first, without repeats or gaps", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: HistoryPage = await expectJson<HistoryPage>(call("GET", `/me/history?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { user }), 200);
      seen.push(...page.plays.map((play) => play.play_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(plays));
    expect(seen.slice(2).reverse()).toEqual(plays.slice(0, 3));
  });

  it("shows nobody else's plays, and needs a token", async () => {
    expect((await expectJson<HistoryPage>(call("GET", "/me/history", { user: other }), 200)).plays).toEqual([]);
    expect((await call("GET", "/me/history")).status).toBe(401);
    expect((await call("GET", "/me/history?limit=0", { user })).status).toBe(400);
  });
});
