/**
 * SBP through T-Bank Internet Acquiring (API v2): Init creates the payment
 * (OrderId = our payment id), GetQr with DataType PAYLOAD returns the link the
 * SBP QR encodes, notifications are trusted only with a valid Token, GetState
 * is the polling fallback and Cancel refunds a CONFIRMED payment.
 */
import type { z } from "zod";
import { AppError } from "../../../../../shared/errors.ts";
import { callJson, constantTimeEqual, readCallbackJson, type FetchLike } from "../http.ts";
import type { CreatePaymentInput, CreatedPayment, Money, PaymentProvider, ProviderPaymentState, ProviderPaymentStatus } from "../payment-provider.ts";
import { cancelResponse, checkOrderResponse, getQrResponse, getStateResponse, initResponse, notification, type TbankStatus } from "./protocol.ts";
import { signTbankRequest, tbankToken } from "./token.ts";

export interface TbankProviderConfig {
  /** https://securepay.tinkoff.ru/v2 in production; the sandbox's /v2 locally. */
  apiUrl: string;
  terminalKey: string;
  password: string;
  /** Our callback route; T-Bank POSTs status changes there. */
  notificationUrl?: string | undefined;
  timeoutMs?: number;
}

const failedStatuses: ReadonlySet<TbankStatus> = new Set(["REJECTED", "AUTH_FAIL", "DEADLINE_EXPIRED", "CANCELED", "REVERSED"]);

/** T-Bank's status in the port's terms; amounts are kopecks. */
export function mapTbankStatus(status: TbankStatus, amountKopecks: number, refundedKopecks?: number): ProviderPaymentState {
  const received: Money = { amountMinor: amountKopecks, currency: "RUB" };
  switch (status) {
    case "CONFIRMED":
      return { status: "succeeded", received };
    case "REFUNDING":
    case "PARTIAL_REFUNDED":
    case "REFUNDED":
      // The payment did succeed; the refund is the saga's compensation and shows beside it.
      return {
        status: "succeeded",
        received,
        ...(status === "REFUNDED" ? { refunded: received } : {}),
        ...(status === "PARTIAL_REFUNDED" && refundedKopecks !== undefined ? { refunded: { amountMinor: refundedKopecks, currency: "RUB" as const } } : {}),
      };
    case "REJECTED":
    case "AUTH_FAIL":
      return { status: "failed", reason: "declined" };
    case "DEADLINE_EXPIRED":
      return { status: "failed", reason: "expired" };
    case "CANCELED":
    case "REVERSED":
      return { status: "failed", reason: "cancelled" };
    default:
      return { status: "pending" };
  }
}

/** RedirectDueDate wants seconds and an explicit offset. */
function dueDate(instant: Date): string {
  return instant.toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

export function createTbankProvider(config: TbankProviderConfig, fetchFn: FetchLike = fetch): PaymentProvider {
  const apiUrl = config.apiUrl.replace(/\/+$/, "");
  const timeoutMs = config.timeoutMs ?? 10_000;

  async function call<S extends z.ZodType>(method: string, body: Record<string, unknown>, schema: S, tolerateRefusal = false): Promise<z.infer<S> | undefined> {
    const signed = await signTbankRequest(body, config.terminalKey, config.password);
    const { body: raw } = await callJson(fetchFn, "tbank", { method: "POST", url: `${apiUrl}/${method}`, body: signed, timeoutMs });
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new AppError("BAD_GATEWAY", `tbank ${method}: unexpected response`);
    const response = parsed.data as { Success: boolean; ErrorCode: string; Message?: string; Details?: string };
    if (!response.Success || response.ErrorCode !== "0") {
      if (tolerateRefusal) return undefined;
      throw new AppError("BAD_GATEWAY", `tbank ${method}: error ${response.ErrorCode} ${response.Message ?? ""} ${response.Details ?? ""}`.trim());
    }
    return parsed.data;
  }

  async function qrFor(paymentId: string): Promise<string> {
    const qr = await call("GetQr", { PaymentId: paymentId, DataType: "PAYLOAD" }, getQrResponse);
    if (!qr?.Data) throw new AppError("BAD_GATEWAY", "tbank GetQr: no Data in the response");
    return qr.Data;
  }

  return {
    name: "tbank",
    method: "sbp",

    async createPayment(input: CreatePaymentInput): Promise<CreatedPayment> {
      if (input.amount.currency !== "RUB") throw new AppError("BAD_REQUEST", "SBP payments are in RUB");
      // T-Bank does not deduplicate Init by OrderId; CheckOrder finds the payment a
      // repeated (or crashed-after-Init) create already made, so the same order gets one QR.
      // An order T-Bank does not know may be refused rather than listed as empty.
      const existing = await call("CheckOrder", { OrderId: input.paymentId }, checkOrderResponse, true);
      const live = existing?.Payments.find(
        (payment) => !failedStatuses.has(payment.Status) && (payment.Amount === undefined || payment.Amount === input.amount.amountMinor),
      );
      let providerPaymentId: string;
      if (live) {
        providerPaymentId = live.PaymentId;
      } else {
        const init = await call(
          "Init",
          {
            Amount: input.amount.amountMinor,
            OrderId: input.paymentId,
            Description: input.description.slice(0, 140),
            RedirectDueDate: dueDate(input.expiresAt),
            ...(config.notificationUrl ? { NotificationURL: config.notificationUrl } : {}),
            DATA: { QR: "true", IdempotencyKey: input.idempotencyKey.slice(0, 350) },
          },
          initResponse,
        );
        if (init?.PaymentId === undefined) throw new AppError("BAD_GATEWAY", "tbank Init: no PaymentId in the response");
        providerPaymentId = init.PaymentId;
      }
      // The payload is itself the link that opens the payer's bank app (Init's PaymentURL is
      // T-Bank's card form, and a repeat through CheckOrder does not learn it), so both are the payload.
      const qrPayload = await qrFor(providerPaymentId);
      return { providerPaymentId, instructions: { kind: "sbp_qr", confirmationUrl: qrPayload, qrPayload } };
    },

    async getPayment(providerPaymentId: string): Promise<ProviderPaymentStatus> {
      const state = await call("GetState", { PaymentId: providerPaymentId }, getStateResponse);
      if (!state?.Status || state.OrderId === undefined || state.Amount === undefined) {
        throw new AppError("BAD_GATEWAY", "tbank GetState: Status, OrderId or Amount missing");
      }
      return { providerPaymentId, paymentId: state.OrderId, state: mapTbankStatus(state.Status, state.Amount) };
    },

    async verifyCallback(request: Request): Promise<ProviderPaymentStatus> {
      const body = await readCallbackJson(request, "tbank");
      const expected = await tbankToken(body, config.password);
      if (typeof body.Token !== "string" || !constantTimeEqual(body.Token.toLowerCase(), expected)) {
        throw new AppError("PAYMENT_CALLBACK_INVALID", "tbank: the notification Token does not match");
      }
      const parsed = notification.safeParse(body);
      if (!parsed.success) throw new AppError("PAYMENT_CALLBACK_INVALID", "tbank: the notification lacks a required field");
      if (parsed.data.TerminalKey !== config.terminalKey) throw new AppError("PAYMENT_CALLBACK_INVALID", "tbank: the notification is for another terminal");
      return {
        providerPaymentId: parsed.data.PaymentId,
        paymentId: parsed.data.OrderId,
        state: mapTbankStatus(parsed.data.Status, parsed.data.Amount),
      };
    },

    acknowledge(): Response {
      return new Response("OK", { status: 200, headers: { "content-type": "text/plain; charset=utf-8" } });
    },

    async refund(input) {
      if (input.amount.currency !== "RUB") throw new AppError("BAD_REQUEST", "SBP refunds are in RUB");
      const cancelled = await call(
        "Cancel",
        { PaymentId: input.providerPaymentId, Amount: input.amount.amountMinor, ExternalRequestId: input.idempotencyKey },
        cancelResponse,
      );
      const done = cancelled?.Status === "REFUNDED" || cancelled?.Status === "PARTIAL_REFUNDED" || cancelled?.Status === "REVERSED";
      return { refundId: `${input.providerPaymentId}:${input.idempotencyKey}`, status: done ? "succeeded" : "pending" };
    },
  };
}
