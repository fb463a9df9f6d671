/**
 * The PaymentProvider port: what the billing context needs from an acquirer
 * (SBP) or a crypto processor (USDT TRC-20). Adapters use only Web-standard
 * APIs (fetch, WebCrypto) so the edge (POST /subscribe, callbacks) and the
 * origin (status polling, refunds) share them. Every adapter has a local
 * sandbox server and passes one contract suite.
 */
import type { z } from "zod";
import type { money, paymentMethod } from "../../../../shared/events/primitives.ts";

export type Money = z.infer<typeof money>;
export type PaymentMethod = z.infer<typeof paymentMethod>;

/** What the listener is shown to pay: an SBP QR payload/link or a TRC-20 invoice. */
export type PaymentInstructions =
  | { kind: "sbp_qr"; confirmationUrl: string; qrPayload: string }
  | { kind: "usdt_trc20"; address: string; amount: Money; requiredConfirmations: number; expiresAt: string };

export interface CreatePaymentInput {
  /** Our payment id (uuid); sent to the provider as the order id / metadata. */
  paymentId: string;
  amount: Money;
  description: string;
  /** Repeats with the same key return the same provider payment. */
  idempotencyKey: string;
  /** After this instant the provider must not accept money for the invoice. */
  expiresAt: Date;
}

export interface CreatedPayment {
  providerPaymentId: string;
  instructions: PaymentInstructions;
}

/**
 * A provider-side status, normalised. `received` is what actually arrived
 * (USDT can be under- or over-paid); `confirmations` only for on-chain payments.
 */
export type ProviderPaymentState =
  | { status: "pending"; received?: Money; confirmations?: number }
  /** `refunded`: what was returned since (T-Bank REFUNDED/PARTIAL_REFUNDED, NOWPayments refunded). */
  | { status: "succeeded"; received: Money; confirmations?: number; refunded?: Money }
  | { status: "failed"; reason: "declined" | "expired" | "underpaid" | "cancelled" | "provider_error"; received?: Money };

export interface ProviderPaymentStatus {
  providerPaymentId: string;
  /** Our payment id as the provider echoes it back. */
  paymentId: string;
  state: ProviderPaymentState;
}

export interface PaymentProvider {
  /** Adapter name stored with the payment and in events, e.g. "tbank", "tron". */
  readonly name: string;
  readonly method: PaymentMethod;
  createPayment(input: CreatePaymentInput): Promise<CreatedPayment>;
  /** Polling fallback when callbacks are late or lost. */
  getPayment(providerPaymentId: string): Promise<ProviderPaymentStatus>;
  /**
   * Verifies a callback (signature or the provider's documented check) and
   * returns what it says. Throws AppError("PAYMENT_CALLBACK_INVALID") when it
   * cannot be trusted. Callbacks may repeat and arrive out of order.
   */
  verifyCallback(request: Request): Promise<ProviderPaymentStatus>;
  /**
   * What to answer the provider once a verified callback is durably recorded
   * (T-Bank wants the body `OK`, else it repeats the notification). Default: 200 with an empty body.
   */
  acknowledge?(): Response;
  /** Compensation: returns money taken for a subscription that could not activate. Idempotent by key. */
  refund(input: { providerPaymentId: string; amount: Money; idempotencyKey: string }): Promise<{ refundId: string; status: "pending" | "succeeded" }>;
}
