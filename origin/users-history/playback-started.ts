/**
 * Listening history from PlaybackStarted. The consumer framework calls this
 * inside the transaction that records the event in the inbox, so a redelivery
 * is skipped; the play id as primary key makes even a second, differently
 * ided event for the same play a no-op.
 */
import type { Transaction } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { TunecEvent } from "../../shared/events/catalog.ts";
import type { Logger } from "../../shared/logger.ts";
import { recordPlay } from "../../workers/users/domain/history.ts";

export const usersHistoryGroup = "users-history";
export const usersHistoryTopics = ["tunec.playback"];

export async function applyPlaybackStarted(
  event: TunecEvent<"tunec.playback.playback-started.v1">,
  trx: Transaction<Database>,
  context: { logger: Logger },
): Promise<void> {
  const added = await recordPlay(trx, event.data);
  context.logger.info(added ? "play recorded" : "play already recorded", { play_id: event.data.playId, user_id: event.data.userId });
}
