import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { RawBuilder } from "kysely";
import { problemLanguage } from "../../shared/i18n/problem-text.ts";
import { findTracks, type TrackRecord } from "../catalog/repository.ts";
import { toTrack, trackSchema } from "../catalog/schemas.ts";
import type { GatewayEnv } from "../platform/edge/context.ts";
import { type Reason, reasonCodes, reasonText } from "./domain/reasons.ts";

export { problemContent } from "../catalog/schemas.ts";

export const authProblems = {
  401: {
    description: "Missing, invalid or expired access token",
    content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
  },
} as const;

export const uuidParam = (name: string, what: string) =>
  z.uuid({ error: `expected a ${what} id (uuid)` }).openapi({ param: { name, in: "path" }, example: "0b9f5c1e-6a5e-4a57-9a35-2f0d3b6f4c11" });

export const pageLimit = (max: number, fallback: number) =>
  z.coerce
    .number({ error: `expected an integer from 1 to ${max}` })
    .int(`expected an integer from 1 to ${max}`)
    .min(1, `expected an integer from 1 to ${max}`)
    .max(max, `expected an integer from 1 to ${max}`)
    .default(fallback)
    .openapi({ description: `Tracks to return, 1–${max} (default ${fallback}).`, example: fallback });

export const reasonSchema = z
  .object({
    code: z.enum(reasonCodes),
    params: z.record(z.string(), z.string()).openapi({ description: "What the sentence names: track, track_id, artist, artist_id, genre, language." }),
    text: z.string().openapi({ description: "The reason as a short sentence in the request's language (Accept-Language: en or ru)." }),
  })
  .openapi("RecommendationReason");

export const recommendedTrackSchema = trackSchema.extend({ reason: reasonSchema }).openapi("RecommendedTrack");

export const tracksSchema = z.object({ tracks: z.array(trackSchema) }).openapi("TrackList");

/** Catalog track bodies in the order of `items`, each with its reason; tracks the catalog no longer shows drop out. */
/** `before`: a write to run in the same statement (see findTracks). */
export async function withTracks(c: Context<GatewayEnv>, items: ReadonlyArray<{ id: string; reason: Reason }>, before?: RawBuilder<unknown>) {
  const records = new Map(
    (
      await findTracks(
        c.get("services").db,
        items.map((item) => item.id),
        before,
      )
    ).map((record) => [record.id, record]),
  );
  return items.flatMap((item) => {
    const record = records.get(item.id);
    return record ? [recommendedTrack(c, record, item.reason)] : [];
  });
}

/** One catalog record as a recommended track: the catalog's body and the reason in the request's language. */
export function recommendedTrack(c: Context<GatewayEnv>, record: TrackRecord, reason: Reason) {
  const language = problemLanguage(c.req.header("accept-language"));
  return { ...toTrack(record, c.get("services").mediaBaseUrl), reason: { ...reason, text: reasonText(reason, language) } };
}
