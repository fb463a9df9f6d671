import type { Context } from "hono";
import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { GatewayEnv } from "../platform/edge/context.ts";
import type { SubsonicAccount } from "./credentials.ts";
import type { SubsonicObject } from "./envelope.ts";
import type { SubsonicParams } from "./params.ts";

export interface SubsonicRequest {
  c: Context<GatewayEnv>;
  db: Kysely<Database>;
  params: SubsonicParams;
  account: SubsonicAccount;
}

/** A payload for the envelope, or a whole Response for the binary endpoints (stream, download, getCoverArt). */
export type SubsonicHandler = (request: SubsonicRequest) => Promise<SubsonicObject | Response>;
