/**
 * Listening history from PlaybackStarted. The consumer framework calls this
 * inside the transaction that records the events in the inbox, so a
 * redelivery is skipped; the play id as primary key makes even a second,
 * differently ided event for the same play a no-op. A batch handler: every
 * play is a high-volume event, so a fetched run is one insert.
 */
import type { Transaction } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { TunecEvent } from "../../shared/events/catalog.ts";
import type { Logger } from "../../shared/logger.ts";
import { recordPlays } from "../../workers/users/domain/history.ts";

export const usersHistoryGroup = "users-history";
export const usersHistoryTopics = ["tunec.playback"];

export async function applyPlaybackStarted(
  events: Array<TunecEvent<"tunec.playback.playback-started.v1">>,
  trx: Transaction<Database>,
  context: { logger: Logger },
): Promise<void> {
  const added = await recordPlays(
    trx,
    events.map((event) => event.data),
  );
  context.logger.info("plays recorded", { plays: events.length, added });
}
