import { z } from "@hono/zod-openapi";

export { bearerSecurity, problemContent } from "../auth/schemas.ts";

export const subscribeBody = z
  .object({
    plan: z.enum(["monthly", "yearly"]).openapi({ description: "monthly: 30 days; yearly: 365 days.", example: "monthly" }),
    method: z.enum(["sbp", "usdt"]).openapi({ description: "sbp: a QR / link for a Russian bank app (RUB); usdt: a TRC-20 invoice.", example: "sbp" }),
  })
  .strict()
  .openapi("SubscribeRequest");

export const idempotencyHeaders = z.object({
  "idempotency-key": z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, "expected 1-255 visible ASCII characters, e.g. a UUID")
    .openapi({
      description: "Unique per subscribe attempt; a retry with the same key and body gets the same answer.",
      example: "5f0c9a52-6b1d-4cfa-9d0e-1a2b3c4d5e6f",
    }),
});

const amount = z.object({
  amount_minor: z.int().openapi({ description: "Integer minor units: kopecks for RUB, 10^-6 for USDT.", example: 29_900 }),
  currency: z.enum(["RUB", "USDT"]),
});

const instructions = z
  .union([
    z.object({
      kind: z.literal("sbp_qr"),
      confirmation_url: z.string().openapi({ description: "Opens the bank app; on a computer, show qr_payload as a QR code." }),
      qr_payload: z.string(),
    }),
    z.object({
      kind: z.literal("usdt_trc20"),
      address: z.string().openapi({ description: "Send exactly `amount` USDT (TRC-20) here." }),
      amount,
      required_confirmations: z.int(),
      expires_at: z.string().openapi({ format: "date-time" }),
    }),
  ])
  .openapi("PaymentInstructions");

export const subscribeAnswer = z
  .object({
    subscription_id: z.uuid(),
    payment_id: z.uuid(),
    purpose: z.enum(["initial", "renewal"]),
    plan: z.enum(["monthly", "yearly"]),
    method: z.enum(["sbp", "usdt"]),
    amount,
    status: z.literal("pending"),
    expires_at: z.string().openapi({ format: "date-time", description: "Pay before this instant." }),
    instructions,
  })
  .openapi("SubscribeAnswer");

const payment = z.object({
  payment_id: z.uuid(),
  subscription_id: z.uuid(),
  purpose: z.enum(["initial", "renewal"]),
  plan: z.enum(["monthly", "yearly"]),
  method: z.enum(["sbp", "usdt"]),
  amount,
  status: z.enum(["pending", "succeeded", "failed"]),
  failure: z.object({ code: z.string(), message: z.string() }).nullable(),
  refund: z
    .enum(["requested", "accepted", "succeeded"])
    .nullable()
    .openapi({ description: "Set when the money went back (the subscription could not activate)." }),
  created_at: z.string().openapi({ format: "date-time" }),
  completed_at: z.string().nullable().openapi({ format: "date-time" }),
});

export const subscriptionView = z
  .object({
    state: z.enum(["none", "awaiting_payment", "active", "failed", "expired"]),
    subscription_id: z.uuid().nullable(),
    plan: z.enum(["monthly", "yearly"]).nullable(),
    current_period: z.object({ start: z.string(), end: z.string() }).nullable(),
    renewal_date: z.string().nullable().openapi({ format: "date-time", description: "Pay a renewal (POST /subscribe again) before this instant." }),
    premium_until: z.string().nullable().openapi({ format: "date-time", description: "Premium lasts until here: the period end plus the grace period." }),
    pending_payment_id: z.uuid().nullable(),
    pending_payment: z
      .object({
        payment_id: z.uuid(),
        method: z.enum(["sbp", "usdt"]),
        amount,
        expires_at: z.string().openapi({ format: "date-time" }),
        instructions: instructions.nullable(),
      })
      .nullable()
      .openapi({ description: "The payment the subscription waits for, with how to pay it (show the QR / invoice again)." }),
    failure_reason: z.string().nullable(),
    payments: z.array(payment),
  })
  .openapi("Subscription");

export const providerParam = z.object({
  provider: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/)
    .openapi({ param: { name: "provider", in: "path" }, example: "tbank" }),
});
