import { z } from "zod";

/** Entity ids are PostgreSQL uuids (v4 from gen_random_uuid / crypto.randomUUID). */
export const entityId = z.uuid();

/** RFC 3339 instant with an explicit offset, as PostgreSQL's to_jsonb(timestamptz) writes it. */
export const instant = z.iso.datetime({ offset: true });

export const currency = z.enum(["RUB", "USDT"]).meta({
  description: "ISO 4217 code, or USDT (TRC-20 Tether) for crypto payments.",
});

/**
 * Money never travels as a float: an integer count of the currency's minor
 * unit (kopecks for RUB, 10^-6 USDT as TRC-20 USDT has 6 decimals).
 */
export const money = z
  .object({
    amountMinor: z.int().nonnegative().meta({ description: "Integer amount in minor units (RUB: kopecks; USDT: 1e-6)." }),
    currency,
  })
  .meta({ description: "An amount of money in minor units." });

export const plan = z.enum(["monthly", "yearly"]);
export const paymentMethod = z.enum(["sbp", "usdt"]);
export const streamQuality = z.enum(["standard", "high"]);

/** A machine-readable reason code with a sentence a person can read. */
export function reasonOf<const Codes extends readonly [string, ...string[]]>(codes: Codes) {
  return z.object({
    code: z.enum(codes),
    message: z.string().min(1).max(2000),
  });
}
