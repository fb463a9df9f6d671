import { authClaimsService } from "./auth-claims/service.ts";
import { subscriptionSagaService } from "./billing/service.ts";
import { catalogWriterService } from "./catalog-writer/service.ts";
import { cdcService } from "./cdc/service.ts";
import { deadLettersService } from "./dead-letters/service.ts";
import { indexerService } from "./indexer/service.ts";
import { ingestionService } from "./ingestion/service.ts";
import { notifyService } from "./notify/service.ts";
import { recsService } from "./recs/service.ts";
import type { OriginService } from "./service.ts";
import { transcoderService } from "./transcoder/service.ts";
import { trackStatsService } from "./track-stats/service.ts";
import { usersHistoryService } from "./users-history/service.ts";
import { usersImportService } from "./users-import/service.ts";
import { usersPremiumService } from "./users-premium/service.ts";

/** Every origin service, by name; `--service NAME` picks from this list. */
export const originServices: readonly OriginService[] = [
  cdcService,
  authClaimsService,
  indexerService,
  ingestionService,
  transcoderService,
  catalogWriterService,
  usersPremiumService,
  trackStatsService,
  usersHistoryService,
  usersImportService,
  recsService,
  notifyService,
  subscriptionSagaService,
  deadLettersService,
];
