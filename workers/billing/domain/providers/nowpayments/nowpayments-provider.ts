/**
 * USDT TRC-20 through NOWPayments: one payment (a fresh deposit address) per
 * invoice, IPN callbacks trusted by their HMAC-SHA512, and the on-chain depth
 * counted by TUNEC itself on a TRON node, so "succeeded" means the processor
 * is done AND the transfer is at least `requiredConfirmations` blocks deep.
 * Under-payment is pending until the invoice expires, then failed: underpaid;
 * over-payment succeeds with what actually arrived.
 */
import { AppError } from "../../../../../shared/errors.ts";
import { callJson, constantTimeEqual, readCallbackJson, type FetchLike } from "../http.ts";
import { decimalToMinor, minorToDecimal } from "../money.ts";
import type { CreatePaymentInput, CreatedPayment, Money, PaymentProvider, ProviderPaymentState, ProviderPaymentStatus } from "../payment-provider.ts";
import {
  authResponse,
  nowPayment,
  paymentList,
  payoutResponse,
  tronNowBlock,
  tronTransaction,
  tronTransactionInfo,
  USDT_DECIMALS,
  USDT_TRC20,
  type NowPayment,
} from "./protocol.ts";
import { ipnSignature } from "./signature.ts";
import { totp } from "./totp.ts";

export interface NowPaymentsProviderConfig {
  /** https://api.nowpayments.io/v1 in production. */
  apiUrl: string;
  apiKey: string;
  ipnSecret: string;
  /** Our callback route (ipn_callback_url). */
  notificationUrl?: string | undefined;
  /** A TRON full node's HTTP API, e.g. https://api.trongrid.io. */
  tronNodeUrl: string;
  tronApiKey?: string | undefined;
  /** Blocks on top of the transfer's block (inclusive) before a payment counts. */
  requiredConfirmations: number;
  /** The NOWPayments account login: payouts (refunds) and the payment list (idempotent create) need a JWT. */
  accountEmail?: string | undefined;
  accountPassword?: string | undefined;
  /** The account's 2FA secret (base32): payouts are verified with its code; without it a refund waits for a person. */
  payoutTotpSecret?: string | undefined;
  timeoutMs?: number;
  now?: () => Date;
}

type Schema<T> = { safeParse(value: unknown): { success: true; data: T } | { success: false } };

const usdt = (amountMinor: number): Money => ({ amountMinor, currency: "USDT" });
/** Responses whose content does not matter, only their 2xx. */
const anything: Schema<unknown> = { safeParse: (value) => ({ success: true, data: value }) };

export function createNowPaymentsProvider(config: NowPaymentsProviderConfig, fetchFn: FetchLike = fetch): PaymentProvider {
  const apiUrl = config.apiUrl.replace(/\/+$/, "");
  const tronUrl = config.tronNodeUrl.replace(/\/+$/, "");
  const timeoutMs = config.timeoutMs ?? 10_000;
  const now = config.now ?? (() => new Date());

  async function api<T>(method: "GET" | "POST", path: string, schema: Schema<T>, body?: unknown, bearer?: string): Promise<T> {
    const headers: Record<string, string> = { "x-api-key": config.apiKey, ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) };
    const response = await callJson(fetchFn, "nowpayments", { method, url: `${apiUrl}${path}`, headers, body, timeoutMs });
    if (response.status >= 300) throw new AppError("BAD_GATEWAY", `nowpayments ${method} ${path}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
    const parsed = schema.safeParse(response.body);
    if (!parsed.success) throw new AppError("BAD_GATEWAY", `nowpayments ${method} ${path}: unexpected response`);
    return parsed.data;
  }

  async function tron<T>(path: string, schema: Schema<T>, body: unknown): Promise<T> {
    const headers: Record<string, string> = config.tronApiKey ? { "TRON-PRO-API-KEY": config.tronApiKey } : {};
    const response = await callJson(fetchFn, "tron", { method: "POST", url: `${tronUrl}${path}`, headers, body, timeoutMs });
    const parsed = schema.safeParse(response.body ?? {});
    if (response.status >= 300 || !parsed.success) throw new AppError("BAD_GATEWAY", `tron ${path}: unexpected response`);
    return parsed.data;
  }

  async function login(): Promise<string | undefined> {
    if (!config.accountEmail || !config.accountPassword) return undefined;
    return (await api("POST", "/auth", authResponse, { email: config.accountEmail, password: config.accountPassword })).token;
  }

  /** Blocks since the transfer's block, counting that block; 0 while it is unconfirmed or failed on chain. */
  async function confirmationsOf(txid: string | null | undefined): Promise<number> {
    if (!txid) return 0;
    const info = await tron("/wallet/gettransactioninfobyid", tronTransactionInfo, { value: txid });
    if (info.blockNumber === undefined) return 0;
    if (info.receipt?.result !== undefined && info.receipt.result !== "SUCCESS") return 0;
    const head = await tron("/wallet/getnowblock", tronNowBlock, {});
    return Math.max(0, head.block_header.raw_data.number - info.blockNumber + 1);
  }

  async function stateOf(payment: NowPayment): Promise<ProviderPaymentState> {
    const due = decimalToMinor(payment.pay_amount, USDT_DECIMALS);
    const paid = payment.actually_paid == null ? 0 : decimalToMinor(payment.actually_paid, USDT_DECIMALS);
    const received = usdt(paid);
    const expired = payment.expiration_estimate_date ? Date.parse(payment.expiration_estimate_date) <= now().getTime() : false;
    switch (payment.payment_status) {
      case "waiting":
        return { status: "pending" };
      case "confirming":
        return { status: "pending", received, confirmations: await confirmationsOf(payment.payin_hash) };
      case "partially_paid":
        return expired
          ? { status: "failed", reason: "underpaid", received }
          : { status: "pending", received, confirmations: await confirmationsOf(payment.payin_hash) };
      case "confirmed":
      case "sending":
      case "finished":
      case "refunded": {
        const confirmations = await confirmationsOf(payment.payin_hash);
        if (paid < due) return expired ? { status: "failed", reason: "underpaid", received } : { status: "pending", received, confirmations };
        if (confirmations < config.requiredConfirmations) return { status: "pending", received, confirmations };
        return { status: "succeeded", received, confirmations, ...(payment.payment_status === "refunded" ? { refunded: received } : {}) };
      }
      case "expired":
        return paid > 0 ? { status: "failed", reason: "underpaid", received } : { status: "failed", reason: "expired" };
      case "failed":
        return { status: "failed", reason: "declined", ...(paid > 0 ? { received } : {}) };
    }
  }

  async function statusOf(payment: NowPayment): Promise<ProviderPaymentStatus> {
    if (!payment.order_id) throw new AppError("BAD_GATEWAY", `nowpayments: payment ${payment.payment_id} has no order_id`);
    return { providerPaymentId: payment.payment_id, paymentId: payment.order_id, state: await stateOf(payment) };
  }

  async function instructionsOf(payment: NowPayment, input: CreatePaymentInput): Promise<CreatedPayment> {
    return {
      providerPaymentId: payment.payment_id,
      instructions: {
        kind: "usdt_trc20",
        address: payment.pay_address,
        amount: usdt(decimalToMinor(payment.pay_amount, USDT_DECIMALS)),
        requiredConfirmations: config.requiredConfirmations,
        expiresAt: payment.expiration_estimate_date ? new Date(payment.expiration_estimate_date).toISOString() : input.expiresAt.toISOString(),
      },
    };
  }

  return {
    name: "nowpayments",
    method: "usdt",

    async createPayment(input) {
      if (input.amount.currency !== "USDT") throw new AppError("BAD_REQUEST", "USDT payments are in USDT");
      // NOWPayments has no idempotency key: with account credentials, a payment already made for
      // this order (a repeat, or a crash after the POST) is found in the recent payment list.
      const token = await login();
      if (token) {
        const since = new Date(now().getTime() - 2 * 86_400_000).toISOString().slice(0, 10);
        const recent = await api("GET", `/payment/?limit=500&page=0&sortBy=created_at&orderBy=desc&dateFrom=${since}`, paymentList, undefined, token);
        const existing = recent.data.find(
          (payment) => payment.order_id === input.paymentId && payment.payment_status !== "expired" && payment.payment_status !== "failed",
        );
        if (existing) return instructionsOf(existing, input);
      }
      const amount = Number(minorToDecimal(input.amount.amountMinor, USDT_DECIMALS));
      const created = await api("POST", "/payment", nowPayment, {
        price_amount: amount,
        price_currency: USDT_TRC20,
        pay_currency: USDT_TRC20,
        pay_amount: amount,
        order_id: input.paymentId,
        order_description: input.description,
        is_fixed_rate: true,
        is_fee_paid_by_user: false,
        ...(config.notificationUrl ? { ipn_callback_url: config.notificationUrl } : {}),
      });
      return instructionsOf(created, input);
    },

    async getPayment(providerPaymentId) {
      return statusOf(await api("GET", `/payment/${encodeURIComponent(providerPaymentId)}`, nowPayment));
    },

    async verifyCallback(request) {
      const signature = request.headers.get("x-nowpayments-sig");
      const body = await readCallbackJson(request, "nowpayments");
      if (!signature || !constantTimeEqual(signature.toLowerCase(), await ipnSignature(body, config.ipnSecret))) {
        throw new AppError("PAYMENT_CALLBACK_INVALID", "nowpayments: the IPN signature does not match");
      }
      const parsed = nowPayment.safeParse(body);
      if (!parsed.success) throw new AppError("PAYMENT_CALLBACK_INVALID", "nowpayments: the IPN lacks a required field");
      let payment = parsed.data;
      // The IPN may omit the transfer hash; the status call has it, and the depth needs it.
      if (!payment.payin_hash && ["confirming", "confirmed", "sending", "finished", "partially_paid", "refunded"].includes(payment.payment_status)) {
        const polled = await api("GET", `/payment/${encodeURIComponent(payment.payment_id)}`, nowPayment);
        payment = { ...payment, payin_hash: polled.payin_hash };
      }
      return statusOf(payment);
    },

    async refund(input) {
      if (input.amount.currency !== "USDT") throw new AppError("BAD_REQUEST", "USDT refunds are in USDT");
      const token = await login();
      if (!token) throw new AppError("SERVICE_UNAVAILABLE", "nowpayments: refunds need USDT_ACCOUNT_EMAIL and USDT_ACCOUNT_PASSWORD");
      const payment = await api("GET", `/payment/${encodeURIComponent(input.providerPaymentId)}`, nowPayment);
      if (!payment.payin_hash) throw new AppError("CONFLICT", `nowpayments: payment ${input.providerPaymentId} received nothing to refund`);
      // The refund goes back to the address the transfer came from.
      const transfer = await tron("/wallet/gettransactionbyid", tronTransaction, { value: payment.payin_hash, visible: true });
      const sender = transfer.raw_data?.contract[0]?.parameter.value.owner_address;
      if (!sender) throw new AppError("BAD_GATEWAY", `tron: transaction ${payment.payin_hash} not found`);
      const payout = await api(
        "POST",
        "/payout",
        payoutResponse,
        {
          withdrawals: [
            {
              address: sender,
              currency: USDT_TRC20,
              amount: Number(minorToDecimal(input.amount.amountMinor, USDT_DECIMALS)),
              unique_external_id: input.idempotencyKey,
            },
          ],
        },
        token,
      );
      const withdrawal = payout.withdrawals[0];
      if (!withdrawal || withdrawal.status === "FAILED" || withdrawal.status === "REJECTED") {
        throw new AppError("BAD_GATEWAY", `nowpayments: payout ${payout.id} ${withdrawal?.status ?? "missing"}`);
      }
      // A payout is processed only once verified with a 2FA code; a repeat of this refund verifies again if it is still waiting.
      if (withdrawal.status === "CREATING" && config.payoutTotpSecret) {
        const code = await totp(config.payoutTotpSecret, now());
        await api("POST", `/payout/${encodeURIComponent(payout.id)}/verify`, anything, { verification_code: code }, token);
      }
      return { refundId: withdrawal.id, status: withdrawal.status === "FINISHED" ? "succeeded" : "pending" };
    },
  };
}
