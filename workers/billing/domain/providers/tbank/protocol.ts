/**
 * The T-Bank Internet Acquiring API v2 shapes the adapter and the sandbox
 * share (only the fields TUNEC uses; providers add fields, so objects are not
 * strict). https://developer.tbank.ru/eacq/api — Init, GetQr, GetState,
 * CheckOrder, Cancel; notifications: https://developer.tbank.ru/eacq/intro/developer/notification
 */
import { z } from "zod";

/** PaymentId is a number in notifications and a string in some responses. */
export const tbankPaymentId = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);
const kopecks = z.coerce.number().int().nonnegative();

export const tbankStatuses = [
  "NEW",
  "FORM_SHOWED",
  "AUTHORIZING",
  "3DS_CHECKING",
  "3DS_CHECKED",
  "AUTHORIZED",
  "CONFIRMING",
  "CONFIRMED",
  "REVERSING",
  "PARTIAL_REVERSED",
  "REVERSED",
  "REFUNDING",
  "PARTIAL_REFUNDED",
  "REFUNDED",
  "REJECTED",
  "AUTH_FAIL",
  "DEADLINE_EXPIRED",
  "CANCELED",
] as const;
export const tbankStatus = z.enum(tbankStatuses);
export type TbankStatus = z.infer<typeof tbankStatus>;

/** Every response: Success, ErrorCode "0" on success, Message/Details otherwise. */
const result = {
  Success: z.boolean(),
  ErrorCode: z.string(),
  Message: z.string().optional(),
  Details: z.string().optional(),
};

export const initRequest = z.object({
  TerminalKey: z.string().min(1),
  Amount: z.number().int().positive(),
  OrderId: z.string().min(1).max(36),
  Description: z.string().max(140).optional(),
  NotificationURL: z.url().optional(),
  /** When the payment link (and the SBP QR) stops working: YYYY-MM-DDTHH:MM:SS+HH:MM. */
  RedirectDueDate: z.string().optional(),
  DATA: z.record(z.string(), z.string()).optional(),
  Token: z.string(),
});
export const initResponse = z.object({
  ...result,
  TerminalKey: z.string().optional(),
  Status: tbankStatus.optional(),
  PaymentId: tbankPaymentId.optional(),
  OrderId: z.string().optional(),
  Amount: kopecks.optional(),
  PaymentURL: z.string().optional(),
});

export const getQrRequest = z.object({
  TerminalKey: z.string(),
  PaymentId: tbankPaymentId,
  DataType: z.enum(["PAYLOAD", "IMAGE"]).default("PAYLOAD"),
  Token: z.string(),
});
export const getQrResponse = z.object({
  ...result,
  OrderId: z.string().optional(),
  PaymentId: tbankPaymentId.optional(),
  /** PAYLOAD: the link the QR encodes (https://qr.nspk.ru/...); IMAGE: an SVG. */
  Data: z.string().optional(),
});

export const getStateRequest = z.object({ TerminalKey: z.string(), PaymentId: tbankPaymentId, Token: z.string() });
export const getStateResponse = z.object({
  ...result,
  Status: tbankStatus.optional(),
  PaymentId: tbankPaymentId.optional(),
  OrderId: z.string().optional(),
  Amount: kopecks.optional(),
});

export const checkOrderRequest = z.object({ TerminalKey: z.string(), OrderId: z.string(), Token: z.string() });
export const checkOrderResponse = z.object({
  ...result,
  OrderId: z.string().optional(),
  Payments: z
    .array(
      z.object({
        PaymentId: tbankPaymentId,
        Amount: kopecks.optional(),
        Status: tbankStatus,
        Success: z.boolean().optional(),
        ErrorCode: z.string().optional(),
      }),
    )
    .default([]),
});

export const cancelRequest = z.object({
  TerminalKey: z.string(),
  PaymentId: tbankPaymentId,
  /** Partial refund; the whole remaining amount when absent. */
  Amount: z.number().int().positive().optional(),
  /** The merchant's operation id: a repeat with the same id is not refunded twice. */
  ExternalRequestId: z.string().max(256).optional(),
  Token: z.string(),
});
export const cancelResponse = z.object({
  ...result,
  Status: tbankStatus.optional(),
  PaymentId: tbankPaymentId.optional(),
  OrderId: z.string().optional(),
  OriginalAmount: kopecks.optional(),
  NewAmount: kopecks.optional(),
  ExternalRequestId: z.string().optional(),
});

/** The POST T-Bank sends to NotificationURL; the merchant answers `OK` (200) or it is repeated. */
export const notification = z.object({
  TerminalKey: z.string(),
  OrderId: z.string(),
  Success: z.boolean(),
  Status: tbankStatus,
  PaymentId: tbankPaymentId,
  ErrorCode: z.string(),
  Amount: kopecks,
  Token: z.string(),
});
export type TbankNotification = z.input<typeof notification>;
