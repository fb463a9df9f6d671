import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEvent } from "../../shared/events/build.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { listHistory } from "../../workers/users/domain/history.ts";
import { applyPlaybackStarted } from "./playback-started.ts";

const logger = createLogger({ test: "users-history-batch" }, "error");

function started(userId: string, playId: string, startedAt: string) {
  return buildEvent({
    type: "tunec.playback.playback-started.v1",
    source: "/tunec/playback",
    data: { playId, userId, trackId: crypto.randomUUID(), quality: "standard", deviceId: "phone", premium: false, startPositionMs: 0, startedAt },
  }).event;
}

describe.each(databaseKinds())("users-history batch handler on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("records a batch in one call, a play id twice in the batch or already recorded once", async () => {
    const userId = crypto.randomUUID();
    const [a, b, c] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    await database.db.transaction().execute((trx) => applyPlaybackStarted([started(userId, a, "2026-03-01T10:00:00Z")], trx, { logger }));
    await database.db
      .transaction()
      .execute((trx) =>
        applyPlaybackStarted(
          [
            started(userId, a, "2026-03-01T10:00:00Z"),
            started(userId, b, "2026-03-01T10:01:00Z"),
            started(userId, b, "2026-03-01T10:01:00Z"),
            started(userId, c, "2026-03-01T10:02:00Z"),
          ],
          trx,
          { logger },
        ),
      );
    expect((await listHistory(database.db, userId, 10)).map((row) => row.play_id)).toEqual([c, b, a]);
  });
});
