import { authClaimsService } from "./auth-claims/service.ts";
import { cdcService } from "./cdc/service.ts";
import { indexerService } from "./indexer/service.ts";
import type { OriginService } from "./service.ts";

/** Every origin service, by name; `--service NAME` picks from this list. */
export const originServices: readonly OriginService[] = [cdcService, authClaimsService, indexerService];
