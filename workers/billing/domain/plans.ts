/**
 * Plans and prices. Prices are integer minor units (kopecks; 10^-6 USDT) and
 * come from configuration with these defaults; a period is a fixed number of
 * days so renewals stack predictably.
 */
import { z } from "zod";
import type { Money, PaymentMethod } from "./providers/payment-provider.ts";

export type Plan = "monthly" | "yearly";

export const planDays: Record<Plan, number> = { monthly: 30, yearly: 365 };

const minor = (fallback: number) => z.coerce.number({ error: "expected an integer amount in minor units" }).int().positive().default(fallback);

/** BILLING_PRICE_<PLAN>_<CURRENCY>: kopecks for RUB, micro-USDT for USDT. */
export const priceConfigSchema = z.object({
  BILLING_PRICE_MONTHLY_RUB: minor(29_900),
  BILLING_PRICE_YEARLY_RUB: minor(299_000),
  BILLING_PRICE_MONTHLY_USDT: minor(3_490_000),
  BILLING_PRICE_YEARLY_USDT: minor(34_900_000),
});
export type PriceConfig = z.infer<typeof priceConfigSchema>;

export const defaultPrices: PriceConfig = priceConfigSchema.parse({});

/** SBP charges roubles, the TRC-20 processor charges USDT. */
export function currencyOf(method: PaymentMethod): Money["currency"] {
  return method === "sbp" ? "RUB" : "USDT";
}

export function priceOf(prices: PriceConfig, plan: Plan, method: PaymentMethod): Money {
  const currency = currencyOf(method);
  const key = `BILLING_PRICE_${plan.toUpperCase()}_${currency}` as keyof PriceConfig;
  return { amountMinor: prices[key], currency };
}

export function periodMs(plan: Plan): number {
  return planDays[plan] * 86_400_000;
}
