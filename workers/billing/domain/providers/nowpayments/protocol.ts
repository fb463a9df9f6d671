/**
 * The NOWPayments API shapes (payments in USDT TRC-20, `usdttrc20`) and the
 * TRON node HTTP API calls the adapter uses to count confirmations itself.
 * NOWPayments: https://documenter.getpostman.com/view/7907941/2s93JusNJt
 * TRON: https://developers.tron.network/reference/getnowblock-1,
 * https://developers.tron.network/reference/gettransactioninfobyid-1,
 * https://developers.tron.network/reference/gettransactionbyid-1
 */
import { z } from "zod";

export const USDT_TRC20 = "usdttrc20";
/** TRC-20 USDT has 6 decimals, the port's minor unit. */
export const USDT_DECIMALS = 6;

export const nowPaymentStatuses = ["waiting", "confirming", "confirmed", "sending", "partially_paid", "finished", "failed", "refunded", "expired"] as const;
export const nowPaymentStatus = z.enum(nowPaymentStatuses);
export type NowPaymentStatus = z.infer<typeof nowPaymentStatus>;

const id = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);
const decimal = z.union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?$/)]);

export const createPaymentRequest = z.object({
  price_amount: z.number().positive(),
  price_currency: z.string(),
  pay_currency: z.string(),
  pay_amount: z.number().positive().optional(),
  ipn_callback_url: z.url().optional(),
  order_id: z.string().optional(),
  order_description: z.string().optional(),
  is_fixed_rate: z.boolean().optional(),
  is_fee_paid_by_user: z.boolean().optional(),
});

/** The payment as POST /v1/payment, GET /v1/payment/{id} and the IPN describe it. */
export const nowPayment = z.object({
  payment_id: id,
  payment_status: nowPaymentStatus,
  pay_address: z.string(),
  price_amount: decimal,
  price_currency: z.string(),
  pay_amount: decimal,
  actually_paid: decimal.optional().nullable(),
  pay_currency: z.string(),
  order_id: z.string().nullable().optional(),
  order_description: z.string().nullable().optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
  /** When the processor stops watching the address for this invoice. */
  expiration_estimate_date: z.string().optional().nullable(),
  payin_hash: z.string().nullable().optional(),
});
export type NowPayment = z.infer<typeof nowPayment>;

export const paymentList = z.object({ data: z.array(nowPayment), limit: z.number().optional(), page: z.number().optional(), total: z.number().optional() });

export const authResponse = z.object({ token: z.string().min(1) });

export const payoutRequest = z.object({
  ipn_callback_url: z.url().optional(),
  withdrawals: z
    .array(z.object({ address: z.string().min(1), currency: z.string(), amount: z.number().positive(), unique_external_id: z.string().optional() }))
    .min(1),
});
export const payoutWithdrawalStatus = z.enum(["WAITING", "CREATING", "PROCESSING", "SENDING", "FINISHED", "FAILED", "REJECTED"]);
export const payoutResponse = z.object({
  id: id,
  withdrawals: z
    .array(z.object({ id: id, address: z.string(), amount: decimal, status: payoutWithdrawalStatus, unique_external_id: z.string().nullable().optional() }))
    .min(1),
});

/** POST /wallet/getnowblock */
export const tronNowBlock = z.object({ block_header: z.object({ raw_data: z.object({ number: z.number().int().nonnegative() }) }) });
/** POST /wallet/gettransactioninfobyid {value}: {} until the transaction is in a block. */
export const tronTransactionInfo = z.object({
  id: z.string().optional(),
  blockNumber: z.number().int().nonnegative().optional(),
  receipt: z.object({ result: z.string().optional() }).optional(),
});
/** POST /wallet/gettransactionbyid {value, visible: true}: who sent a transfer (the refund address). */
export const tronTransaction = z.object({
  txID: z.string().optional(),
  raw_data: z.object({ contract: z.array(z.object({ parameter: z.object({ value: z.object({ owner_address: z.string() }) }) })).min(1) }).optional(),
});
