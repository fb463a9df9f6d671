/**
 * A local T-Bank Internet Acquiring (API v2) for development and tests: Init,
 * GetQr, GetState, CheckOrder and Cancel under /v2 with the documented shapes
 * and Token checks, signed notifications to NotificationURL (repeated until
 * the merchant answers `OK`), and the /_sandbox control API. State is in memory.
 */
import { Hono } from "hono";
import { createHash } from "node:crypto";
import type { z } from "zod";
import { createLogger, type Logger } from "../../shared/logger.ts";
import {
  cancelRequest,
  checkOrderRequest,
  getQrRequest,
  getStateRequest,
  initRequest,
  type TbankNotification,
  type TbankStatus,
} from "../../workers/billing/domain/providers/tbank/protocol.ts";
import { constantTimeEqual } from "../../workers/billing/domain/providers/http.ts";
import { tbankToken } from "../../workers/billing/domain/providers/tbank/token.ts";
import {
  commonControl,
  controlRoutes,
  jsonOf,
  listen,
  Notifier,
  SandboxError,
  type CallbackOptions,
  type PayOptions,
  type RunningServer,
  type SandboxControl,
  type SentNotification,
} from "./common.ts";

export interface TbankSandboxOptions {
  terminalKey: string;
  password: string;
  port?: number;
  host?: string;
  logger?: Logger;
  /** Attempts per notification until the merchant answers OK (T-Bank repeats for a day; tests want few). */
  notificationAttempts?: number;
  retryDelayMs?: number;
}

interface Refund {
  amount: number;
  response: Record<string, unknown>;
}

interface TbankPayment {
  paymentId: string;
  orderId: string;
  amount: number;
  description?: string | undefined;
  status: TbankStatus;
  notificationUrl?: string | undefined;
  dueAt?: Date | undefined;
  createdAt: string;
  refunded: number;
  refunds: Map<string, Refund>;
  failNextRefund: boolean;
  notifications: SentNotification[];
}

export interface TbankSandbox extends RunningServer {
  /** The API base to give the adapter: `${url}/v2`. */
  apiUrl: string;
  control: SandboxControl;
}

const finalStatuses: ReadonlySet<TbankStatus> = new Set([
  "CONFIRMED",
  "REJECTED",
  "DEADLINE_EXPIRED",
  "CANCELED",
  "REFUNDED",
  "PARTIAL_REFUNDED",
  "REVERSED",
  "AUTH_FAIL",
]);

/** The sandbox's error codes: 0 and 204 (bad Token) are T-Bank's; the others are illustrative. */
const errors = {
  badToken: { ErrorCode: "204", Message: "Неверный токен. Проверьте пару TerminalKey/SecretKey." },
  badRequest: { ErrorCode: "9999", Message: "Неверные параметры." },
  notFound: { ErrorCode: "7", Message: "Платеж не найден." },
  badStatus: { ErrorCode: "8", Message: "Неверный статус транзакции." },
  refundFailed: { ErrorCode: "3001", Message: "Возврат не выполнен (сбой, заданный в песочнице)." },
} as const;

export async function startTbankSandbox(options: TbankSandboxOptions): Promise<TbankSandbox> {
  const logger = options.logger ?? createLogger({ service: "tbank-sandbox" }, "warn");
  const payments = new Map<string, TbankPayment>();
  let nextPaymentId = 7_000_000_000 + Math.floor(Math.random() * 1_000_000) * 100;
  let publicUrl = "";
  const notifier = new Notifier({
    accepted: (response, text) => response.status === 200 && text.trim() === "OK",
    maxAttempts: options.notificationAttempts ?? 3,
    retryDelayMs: options.retryDelayMs ?? 200,
    logger,
  });

  const find = (id: string): TbankPayment => {
    const payment = payments.get(id);
    if (!payment) throw new SandboxError(404, `no payment ${id}`);
    return payment;
  };

  /**
   * Signs as T-Bank documents it, independently of the adapter's WebCrypto code, and
   * synchronously, so callbacks are recorded in the order the states changed.
   */
  function sign(fields: Record<string, string | number | boolean>): string {
    const pairs = Object.entries({ ...fields, Password: options.password }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return createHash("sha256")
      .update(pairs.map(([, value]) => String(value)).join(""), "utf8")
      .digest("hex");
  }

  function notify(payment: TbankPayment, callbacks: CallbackOptions): void {
    if (!payment.notificationUrl) return;
    const success = !["REJECTED", "AUTH_FAIL", "DEADLINE_EXPIRED"].includes(payment.status);
    const fields: Omit<TbankNotification, "Token" | "Amount"> & { Amount: number } = {
      TerminalKey: options.terminalKey,
      OrderId: payment.orderId,
      Success: success,
      Status: payment.status,
      PaymentId: Number(payment.paymentId),
      ErrorCode: success ? "0" : payment.status === "DEADLINE_EXPIRED" ? "101" : "1051",
      Amount: payment.amount,
    };
    const body = { ...fields, Token: sign(fields) };
    const sent: SentNotification = {
      index: payment.notifications.length,
      status: payment.status,
      url: payment.notificationUrl,
      body: JSON.stringify(body),
      headers: {},
      deliveries: [],
    };
    payment.notifications.push(sent);
    if (!callbacks.mute) notifier.send(sent, callbacks.repeat);
  }

  function transition(payment: TbankPayment, to: TbankStatus, callbacks: CallbackOptions): void {
    if (finalStatuses.has(payment.status)) throw new SandboxError(409, `payment ${payment.paymentId} is already ${payment.status}`);
    payment.status = to;
    notify(payment, callbacks);
  }

  function sweepExpired(): void {
    const now = Date.now();
    for (const payment of payments.values()) {
      if (payment.dueAt && payment.dueAt.getTime() <= now && !finalStatuses.has(payment.status)) {
        transition(payment, "DEADLINE_EXPIRED", { repeat: 1, mute: false });
      }
    }
  }
  const sweeper = setInterval(sweepExpired, 1_000);
  sweeper.unref();

  const view = (payment: TbankPayment) => ({
    PaymentId: payment.paymentId,
    OrderId: payment.orderId,
    Amount: payment.amount,
    Status: payment.status,
    Description: payment.description,
    NotificationURL: payment.notificationUrl,
    RedirectDueDate: payment.dueAt?.toISOString(),
    CreatedAt: payment.createdAt,
    Refunded: payment.refunded,
    notifications: payment.notifications.map(({ index, status, deliveries }) => ({ index, status, deliveries })),
  });

  const control: SandboxControl = {
    list: () => [...payments.values()].map(view),
    describe: (id) => view(find(id)),
    pay(id, payOptions: PayOptions) {
      const payment = find(id);
      transition(payment, "CONFIRMED", payOptions);
      return view(payment);
    },
    decline(id, callbacks) {
      const payment = find(id);
      transition(payment, "REJECTED", callbacks);
      return view(payment);
    },
    expire(id, callbacks) {
      const payment = find(id);
      transition(payment, "DEADLINE_EXPIRED", callbacks);
      return view(payment);
    },
    mine: () => {
      throw new SandboxError(409, "SBP has no blocks to mine");
    },
    ...commonControl(find, notifier),
  };

  const api = new Hono();
  /** Parses and checks the Token of a /v2 request; answers the documented error shape otherwise. */
  async function accept<S extends z.ZodType>(
    body: unknown,
    schema: S,
  ): Promise<{ ok: true; value: z.infer<S> } | { ok: false; error: Record<string, unknown> }> {
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      return {
        ok: false,
        error: { Success: false, ...errors.badRequest, Details: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ") },
      };
    const fields = body as Record<string, unknown>;
    const expected = await tbankToken(fields, options.password);
    if (fields.TerminalKey !== options.terminalKey || typeof fields.Token !== "string" || !constantTimeEqual(fields.Token, expected)) {
      return { ok: false, error: { Success: false, ...errors.badToken } };
    }
    return { ok: true, value: parsed.data };
  }
  const common = (payment: TbankPayment) => ({
    Success: true,
    ErrorCode: "0",
    TerminalKey: options.terminalKey,
    PaymentId: payment.paymentId,
    OrderId: payment.orderId,
  });

  api.post("/v2/Init", async (c) => {
    const request = await accept(await jsonOf(c), initRequest);
    if (!request.ok) return c.json(request.error);
    const { value } = request;
    const paymentId = String(nextPaymentId++);
    const payment: TbankPayment = {
      paymentId,
      orderId: value.OrderId,
      amount: value.Amount,
      description: value.Description,
      status: "NEW",
      notificationUrl: value.NotificationURL,
      dueAt: value.RedirectDueDate ? new Date(value.RedirectDueDate) : undefined,
      createdAt: new Date().toISOString(),
      refunded: 0,
      refunds: new Map(),
      failNextRefund: false,
      notifications: [],
    };
    if (payment.dueAt && Number.isNaN(payment.dueAt.getTime())) return c.json({ Success: false, ...errors.badRequest, Details: "RedirectDueDate" });
    payments.set(paymentId, payment);
    return c.json({ ...common(payment), Status: payment.status, Amount: payment.amount, PaymentURL: `${publicUrl}/_sandbox/pay/${paymentId}` });
  });

  api.post("/v2/GetQr", async (c) => {
    const request = await accept(await jsonOf(c), getQrRequest);
    if (!request.ok) return c.json(request.error);
    const payment = payments.get(request.value.PaymentId);
    if (!payment) return c.json({ Success: false, ...errors.notFound });
    // A repeated create may ask again for a payment that was paid meanwhile; only a dead one has no QR.
    if (["REJECTED", "AUTH_FAIL", "DEADLINE_EXPIRED", "CANCELED", "REVERSED"].includes(payment.status)) return c.json({ Success: false, ...errors.badStatus });
    if (payment.status === "NEW") payment.status = "FORM_SHOWED";
    // A real payload is https://qr.nspk.ru/AS…; here the link opens the sandbox's pay page.
    const data = `${publicUrl}/_sandbox/pay/${payment.paymentId}?type=02&sum=${payment.amount}&cur=RUB`;
    return c.json({ ...common(payment), Data: data });
  });

  api.post("/v2/GetState", async (c) => {
    const request = await accept(await jsonOf(c), getStateRequest);
    if (!request.ok) return c.json(request.error);
    const payment = payments.get(request.value.PaymentId);
    if (!payment) return c.json({ Success: false, ...errors.notFound });
    return c.json({ ...common(payment), Status: payment.status, Amount: payment.amount });
  });

  api.post("/v2/CheckOrder", async (c) => {
    const request = await accept(await jsonOf(c), checkOrderRequest);
    if (!request.ok) return c.json(request.error);
    const found = [...payments.values()].filter((payment) => payment.orderId === request.value.OrderId);
    return c.json({
      Success: true,
      ErrorCode: "0",
      TerminalKey: options.terminalKey,
      OrderId: request.value.OrderId,
      Payments: found.map((payment) => ({ PaymentId: payment.paymentId, Amount: payment.amount, Status: payment.status, Success: true, ErrorCode: "0" })),
    });
  });

  api.post("/v2/Cancel", async (c) => {
    const request = await accept(await jsonOf(c), cancelRequest);
    if (!request.ok) return c.json(request.error);
    const { value } = request;
    const payment = payments.get(value.PaymentId);
    if (!payment) return c.json({ Success: false, ...errors.notFound });
    const repeated = value.ExternalRequestId ? payment.refunds.get(value.ExternalRequestId) : undefined;
    if (repeated) return c.json(repeated.response);
    if (payment.failNextRefund) {
      payment.failNextRefund = false;
      return c.json({ ...common(payment), Success: false, ...errors.refundFailed, Status: payment.status });
    }
    const originalAmount = payment.amount - payment.refunded;
    if (payment.status === "NEW" || payment.status === "FORM_SHOWED") {
      payment.status = "CANCELED";
      notify(payment, { repeat: 1, mute: false });
    } else if (payment.status === "CONFIRMED" || payment.status === "PARTIAL_REFUNDED") {
      const amount = value.Amount ?? originalAmount;
      if (amount > originalAmount) return c.json({ ...common(payment), Success: false, ...errors.badRequest, Details: "Amount exceeds what remains" });
      payment.refunded += amount;
      payment.status = payment.refunded === payment.amount ? "REFUNDED" : "PARTIAL_REFUNDED";
      notify(payment, { repeat: 1, mute: false });
    } else {
      return c.json({ ...common(payment), Success: false, ...errors.badStatus, Status: payment.status });
    }
    const response = {
      ...common(payment),
      Status: payment.status,
      OriginalAmount: originalAmount,
      NewAmount: payment.amount - payment.refunded,
      ...(value.ExternalRequestId ? { ExternalRequestId: value.ExternalRequestId } : {}),
    };
    if (value.ExternalRequestId) payment.refunds.set(value.ExternalRequestId, { amount: originalAmount - response.NewAmount, response });
    return c.json(response);
  });

  const app = new Hono();
  app.route("/", api);
  app.route("/", controlRoutes(control, "T-Bank SBP sandbox"));
  const server = await listen(app, options.port ?? 0, options.host ?? "127.0.0.1");
  publicUrl = server.url;
  return {
    ...server,
    apiUrl: `${server.url}/v2`,
    control,
    stop: async () => {
      clearInterval(sweeper);
      await server.stop();
    },
  };
}
