/**
 * A local NOWPayments (USDT TRC-20 only) with a toy TRON chain behind it, for
 * development and tests: the /v1 payment, auth, list and payout calls with the
 * documented shapes, IPNs signed with HMAC-SHA512, and the TRON node calls the
 * adapter makes under /tron. Blocks are mined only on demand (control API),
 * so tests decide how deep a transfer is. State is in memory.
 */
import { Hono, type Context } from "hono";
import { createHmac } from "node:crypto";
import { createLogger, type Logger } from "../../shared/logger.ts";
import { decimalToMinor, minorToDecimal } from "../../workers/billing/domain/providers/money.ts";
import {
  createPaymentRequest,
  payoutRequest,
  USDT_DECIMALS,
  USDT_TRC20,
  type NowPaymentStatus,
} from "../../workers/billing/domain/providers/nowpayments/protocol.ts";
import { totp } from "../../workers/billing/domain/providers/nowpayments/totp.ts";
import {
  commonControl,
  controlRoutes,
  jsonOf,
  listen,
  Notifier,
  randomHex,
  SandboxError,
  type CallbackOptions,
  type PayOptions,
  type RunningServer,
  type SandboxControl,
  type SentNotification,
} from "./common.ts";

export interface NowPaymentsSandboxOptions {
  apiKey: string;
  ipnSecret: string;
  /** The account login for /v1/auth (payouts, the payment list). */
  accountEmail: string;
  accountPassword: string;
  /** When set, a payout stays CREATING until POST /v1/payout/{id}/verify brings a TOTP code of this secret. */
  payoutTotpSecret?: string;
  /** Depth at which the processor calls a payment finished (or partially_paid). */
  processorConfirmations?: number;
  /** How long an invoice waits for money. */
  invoiceLifetimeSeconds?: number;
  port?: number;
  host?: string;
  logger?: Logger;
  notificationAttempts?: number;
  retryDelayMs?: number;
}

interface Transfer {
  txid: string;
  from: string;
  to: string;
  amount: number;
  /** Undefined while unconfirmed. */
  block?: number;
}

interface UsdtPayment {
  id: string;
  orderId?: string | undefined;
  description?: string | undefined;
  amount: number;
  address: string;
  status: NowPaymentStatus;
  transfers: Transfer[];
  ipnUrl?: string | undefined;
  createdAt: string;
  updatedAt: string;
  expiresAt: Date;
  failNextRefund: boolean;
  refunded: number;
  payouts: PayoutBatch[];
  /** An under-paid invoice tells its expiry once, by a partially_paid IPN after the deadline. */
  expiryTold: boolean;
  notifications: SentNotification[];
}

interface PayoutBatch {
  id: string;
  withdrawals: Array<Record<string, unknown> & { status: string }>;
}

export interface NowPaymentsSandbox extends RunningServer {
  /** Give the adapter `${url}/v1` and `${url}/tron`. */
  apiUrl: string;
  tronNodeUrl: string;
  control: SandboxControl;
}

const base58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
/** Looks like a TRON address (T + 33 base58 characters); the checksum is not real. */
function tronAddress(): string {
  return "T" + Array.from(crypto.getRandomValues(new Uint8Array(33)), (byte) => base58[byte % 58]).join("");
}

const terminal: ReadonlySet<NowPaymentStatus> = new Set(["finished", "failed", "expired", "refunded"]);

export async function startNowPaymentsSandbox(options: NowPaymentsSandboxOptions): Promise<NowPaymentsSandbox> {
  const logger = options.logger ?? createLogger({ service: "nowpayments-sandbox" }, "warn");
  const processorDepth = options.processorConfirmations ?? 3;
  const lifetimeMs = (options.invoiceLifetimeSeconds ?? 20 * 60) * 1000;
  const payments = new Map<string, UsdtPayment>();
  const transfers = new Map<string, Transfer>();
  const payouts = new Map<string, PayoutBatch>();
  const batches = new Map<string, PayoutBatch>();
  const tokens = new Set<string>();
  let height = 60_000_000;
  let nextId = 5_000_000_000 + Math.floor(Math.random() * 1_000_000) * 100;
  const notifier = new Notifier({
    accepted: (response) => response.status >= 200 && response.status < 300,
    maxAttempts: options.notificationAttempts ?? 3,
    retryDelayMs: options.retryDelayMs ?? 200,
    logger,
  });

  const find = (id: string): UsdtPayment => {
    const payment = payments.get(id);
    if (!payment) throw new SandboxError(404, `no payment ${id}`);
    return payment;
  };
  const paidOf = (payment: UsdtPayment) => payment.transfers.reduce((sum, transfer) => sum + transfer.amount, 0);
  const depthOf = (transfer: Transfer) => (transfer.block === undefined ? 0 : height - transfer.block + 1);

  function body(payment: UsdtPayment): Record<string, unknown> {
    const paid = paidOf(payment);
    return {
      payment_id: Number(payment.id),
      payment_status: payment.status,
      pay_address: payment.address,
      price_amount: Number(minorToDecimal(payment.amount, USDT_DECIMALS)),
      price_currency: USDT_TRC20,
      pay_amount: Number(minorToDecimal(payment.amount, USDT_DECIMALS)),
      actually_paid: Number(minorToDecimal(paid, USDT_DECIMALS)),
      pay_currency: USDT_TRC20,
      order_id: payment.orderId ?? null,
      order_description: payment.description ?? null,
      purchase_id: Number(payment.id) + 1,
      outcome_amount: Number(minorToDecimal(paid, USDT_DECIMALS)),
      outcome_currency: USDT_TRC20,
      payin_hash: payment.transfers.at(-1)?.txid ?? null,
      network: "trx",
      created_at: payment.createdAt,
      updated_at: payment.updatedAt,
      expiration_estimate_date: payment.expiresAt.toISOString(),
    };
  }

  /** NOWPayments' IPN signature, computed apart from the adapter and synchronously (callbacks keep their order). */
  function sign(ipn: Record<string, unknown>): string {
    const sorted = JSON.stringify(
      Object.fromEntries(
        Object.keys(ipn)
          .sort()
          .map((key) => [key, ipn[key]]),
      ),
    );
    return createHmac("sha512", options.ipnSecret).update(sorted).digest("hex");
  }

  function notify(payment: UsdtPayment, callbacks: CallbackOptions): void {
    if (!payment.ipnUrl) return;
    const ipn = body(payment);
    const sent: SentNotification = {
      index: payment.notifications.length,
      status: payment.status,
      url: payment.ipnUrl,
      body: JSON.stringify(ipn),
      headers: { "x-nowpayments-sig": sign(ipn) },
      deliveries: [],
    };
    payment.notifications.push(sent);
    if (!callbacks.mute) notifier.send(sent, callbacks.repeat);
  }

  /** The processor's view of a payment from its transfers, the chain head and the clock; notifies on change. */
  function reassess(payment: UsdtPayment, callbacks: CallbackOptions, notifyAnyway = false): void {
    if (terminal.has(payment.status)) return;
    const paid = paidOf(payment);
    const settled = payment.transfers.length > 0 && payment.transfers.every((transfer) => depthOf(transfer) >= processorDepth);
    let next: NowPaymentStatus;
    if (payment.transfers.length === 0) next = payment.expiresAt.getTime() <= Date.now() ? "expired" : "waiting";
    else if (!settled) next = "confirming";
    else next = paid >= payment.amount ? "finished" : "partially_paid";
    if (next === payment.status && !notifyAnyway) return;
    payment.status = next;
    payment.updatedAt = new Date().toISOString();
    notify(payment, callbacks);
  }

  function tellExpiry(payment: UsdtPayment, callbacks: CallbackOptions): void {
    if (payment.expiryTold) return;
    payment.expiryTold = true;
    payment.updatedAt = new Date().toISOString();
    notify(payment, callbacks);
  }

  const sweeper = setInterval(() => {
    for (const payment of payments.values()) {
      if (payment.expiresAt.getTime() > Date.now()) continue;
      // An under-paid invoice stays partially_paid (as on NOWPayments); its IPN after expiry is what tells.
      if (payment.status === "partially_paid") tellExpiry(payment, { repeat: 1, mute: false });
      else reassess(payment, { repeat: 1, mute: false });
    }
  }, 1_000);
  sweeper.unref();

  const view = (payment: UsdtPayment) => ({
    ...body(payment),
    refunded: payment.refunded,
    payouts: payment.payouts.flatMap((batch) =>
      batch.withdrawals.map((withdrawal) => ({ batch: batch.id, id: withdrawal.id, status: withdrawal.status, amount: withdrawal.amount })),
    ),
    transfers: payment.transfers.map((transfer) => ({ ...transfer, confirmations: depthOf(transfer) })),
    notifications: payment.notifications.map(({ index, status, deliveries }) => ({ index, status, deliveries })),
  });

  function mineBlocks(count: number, callbacks: CallbackOptions): void {
    height += count;
    for (const transfer of transfers.values()) transfer.block ??= height - count + 1;
    for (const payment of payments.values()) reassess(payment, callbacks);
  }

  const control: SandboxControl = {
    list: () => [...payments.values()].map(view),
    describe: (id) => view(find(id)),
    pay(id, pay: PayOptions) {
      const payment = find(id);
      if (payment.status !== "waiting" && payment.status !== "partially_paid" && payment.status !== "confirming") {
        throw new SandboxError(409, `payment ${id} is ${payment.status}`);
      }
      if (payment.expiresAt.getTime() <= Date.now()) throw new SandboxError(409, `payment ${id} expired`);
      const transfer: Transfer = { txid: randomHex(32), from: tronAddress(), to: payment.address, amount: pay.amountMinor ?? payment.amount - paidOf(payment) };
      transfers.set(transfer.txid, transfer);
      payment.transfers.push(transfer);
      // Seen in the mempool first (confirming), then mined as deep as asked.
      reassess(payment, pay, true);
      const confirmations = pay.confirmations ?? processorDepth;
      if (confirmations > 0) {
        height += 1;
        transfer.block = height;
        if (confirmations > 1) height += confirmations - 1;
        reassess(payment, pay);
      }
      return view(payment);
    },
    decline(id, callbacks) {
      const payment = find(id);
      if (terminal.has(payment.status)) throw new SandboxError(409, `payment ${id} is ${payment.status}`);
      payment.status = "failed";
      payment.updatedAt = new Date().toISOString();
      notify(payment, callbacks);
      return view(payment);
    },
    expire(id, callbacks) {
      const payment = find(id);
      payment.expiresAt = new Date(Date.now() - 1);
      if (payment.status === "partially_paid") tellExpiry(payment, callbacks);
      else reassess(payment, callbacks);
      return view(payment);
    },
    mine(count, callbacks) {
      mineBlocks(count, callbacks);
      return { height };
    },
    ...commonControl(find, notifier),
  };

  const app = new Hono();
  const apiKeyOk = (c: Context) => c.req.header("x-api-key") === options.apiKey;
  const bearerOk = (c: Context) => tokens.has((c.req.header("authorization") ?? "").replace(/^Bearer /, ""));
  const refuse = (c: Context, status: 400 | 401 | 403 | 404, message: string) =>
    c.json({ status: false, statusCode: status, code: "INVALID_REQUEST_PARAMS", message }, status);

  app.get("/v1/status", (c) => c.json({ message: "OK" }));
  app.post("/v1/auth", async (c) => {
    const login = ((await jsonOf(c)) ?? {}) as { email?: unknown; password?: unknown };
    if (login.email !== options.accountEmail || login.password !== options.accountPassword) return refuse(c, 401, "Invalid credentials");
    const token = randomHex(24);
    tokens.add(token);
    return c.json({ token });
  });
  app.post("/v1/payment", async (c) => {
    if (!apiKeyOk(c)) return refuse(c, 403, "Invalid api key");
    const parsed = createPaymentRequest.safeParse(await jsonOf(c));
    if (!parsed.success) return refuse(c, 400, parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "));
    const request = parsed.data;
    if (request.pay_currency !== USDT_TRC20 || request.price_currency !== USDT_TRC20) return refuse(c, 400, "the sandbox prices and accepts usdttrc20 only");
    const created = new Date();
    const payment: UsdtPayment = {
      id: String(nextId++),
      orderId: request.order_id,
      description: request.order_description,
      amount: decimalToMinor(request.price_amount, USDT_DECIMALS),
      address: tronAddress(),
      status: "waiting",
      transfers: [],
      ipnUrl: request.ipn_callback_url,
      createdAt: created.toISOString(),
      updatedAt: created.toISOString(),
      expiresAt: new Date(created.getTime() + lifetimeMs),
      failNextRefund: false,
      refunded: 0,
      expiryTold: false,
      payouts: [],
      notifications: [],
    };
    payments.set(payment.id, payment);
    return c.json({ ...body(payment), payment_id: payment.id }, 201);
  });
  app.get("/v1/payment/", (c) => {
    if (!apiKeyOk(c) || !bearerOk(c)) return refuse(c, 401, "Authorization required");
    const data = [...payments.values()].reverse().map(body);
    return c.json({ data, limit: data.length, page: 0, pagesCount: 1, total: data.length });
  });
  app.get("/v1/payment/:id", (c) => {
    if (!apiKeyOk(c)) return refuse(c, 403, "Invalid api key");
    const payment = payments.get(c.req.param("id"));
    return payment ? c.json(body(payment)) : refuse(c, 404, "Payment not found");
  });
  app.post("/v1/payout", async (c) => {
    if (!apiKeyOk(c) || !bearerOk(c)) return refuse(c, 401, "Authorization required");
    const parsed = payoutRequest.safeParse(await jsonOf(c));
    if (!parsed.success) return refuse(c, 400, "invalid payout");
    const [withdrawal] = parsed.data.withdrawals;
    if (!withdrawal || parsed.data.withdrawals.length !== 1) return refuse(c, 400, "the sandbox pays out one withdrawal per batch");
    const repeated = withdrawal.unique_external_id ? payouts.get(withdrawal.unique_external_id) : undefined;
    if (repeated) return c.json(repeated);
    // A refund goes back to the sender of a transfer into one of our invoices.
    const source = [...transfers.values()].find((transfer) => transfer.from === withdrawal.address);
    const payment = source ? [...payments.values()].find((candidate) => candidate.transfers.includes(source)) : undefined;
    if (!payment) return refuse(c, 400, "the address never paid an invoice");
    if (payment.failNextRefund) {
      payment.failNextRefund = false;
      return refuse(c, 400, "payout failed (a fault set in the sandbox)");
    }
    const amount = decimalToMinor(withdrawal.amount, USDT_DECIMALS);
    if (payment.refunded + amount > paidOf(payment)) return refuse(c, 400, "more than the invoice received");
    payment.refunded += amount;
    const batch = String(nextId++);
    const response: PayoutBatch = {
      id: batch,
      withdrawals: [
        {
          id: String(nextId++),
          address: withdrawal.address,
          currency: USDT_TRC20,
          amount: withdrawal.amount,
          batch_withdrawal_id: batch,
          status: options.payoutTotpSecret ? "CREATING" : "WAITING",
          unique_external_id: withdrawal.unique_external_id ?? null,
          created_at: new Date().toISOString(),
        },
      ],
    };
    batches.set(batch, response);
    payment.payouts.push(response);
    if (withdrawal.unique_external_id) payouts.set(withdrawal.unique_external_id, response);
    return c.json(response);
  });
  app.post("/v1/payout/:batch/verify", async (c) => {
    if (!apiKeyOk(c) || !bearerOk(c)) return refuse(c, 401, "Authorization required");
    const batch = batches.get(c.req.param("batch"));
    if (!batch) return refuse(c, 404, "Payout not found");
    const { verification_code: code } = ((await jsonOf(c)) ?? {}) as { verification_code?: unknown };
    const secret = options.payoutTotpSecret;
    // The code of this step or the one before, as authenticators allow for clock skew.
    const valid = secret ? [await totp(secret, new Date()), await totp(secret, new Date(Date.now() - 30_000))] : [];
    if (typeof code !== "string" || !valid.includes(code)) return refuse(c, 400, "Wrong verification code");
    for (const withdrawal of batch.withdrawals) if (withdrawal.status === "CREATING") withdrawal.status = "WAITING";
    return c.json({ result: "OK" });
  });

  app.post("/tron/wallet/getnowblock", (c) =>
    c.json({ blockID: height.toString(16).padStart(64, "0"), block_header: { raw_data: { number: height, timestamp: Date.now() } } }),
  );
  app.post("/tron/wallet/gettransactioninfobyid", async (c) => {
    const { value } = ((await jsonOf(c)) ?? {}) as { value?: string };
    const transfer = value ? transfers.get(value) : undefined;
    if (!transfer || transfer.block === undefined) return c.json({});
    return c.json({ id: transfer.txid, blockNumber: transfer.block, blockTimeStamp: Date.now(), receipt: { result: "SUCCESS" } });
  });
  app.post("/tron/wallet/gettransactionbyid", async (c) => {
    const { value } = ((await jsonOf(c)) ?? {}) as { value?: string };
    const transfer = value ? transfers.get(value) : undefined;
    if (!transfer) return c.json({});
    return c.json({
      txID: transfer.txid,
      raw_data: {
        contract: [
          { type: "TriggerSmartContract", parameter: { value: { owner_address: transfer.from, contract_address: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t" } } },
        ],
      },
    });
  });

  app.route("/", controlRoutes(control, "NOWPayments USDT TRC-20 sandbox"));
  const server = await listen(app, options.port ?? 0, options.host ?? "127.0.0.1");
  return {
    ...server,
    apiUrl: `${server.url}/v1`,
    tronNodeUrl: `${server.url}/tron`,
    control,
    stop: async () => {
      clearInterval(sweeper);
      await server.stop();
    },
  };
}
