import { consumerService } from "../events/consumer-service.ts";
import { applyPlaybackStarted, usersHistoryGroup, usersHistoryTopics } from "./playback-started.ts";

/** `--service users-history`: PlaybackStarted → users.listening_history (GET /me/history). */
export const usersHistoryService = consumerService({
  name: "users-history",
  description: "users history: records each PlaybackStarted in the listener's history",
  group: usersHistoryGroup,
  topics: usersHistoryTopics,
  handlers: {},
  batchHandlers: { "tunec.playback.playback-started.v1": applyPlaybackStarted },
});
