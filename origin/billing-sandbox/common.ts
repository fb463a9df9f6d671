/**
 * What both payment sandboxes share: an HTTP server (hono on node), callback
 * delivery with retries and a log per notification, and the control API tests
 * and developers use to pay, decline, expire, repeat or reorder callbacks.
 */
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import type { Logger } from "../../shared/logger.ts";

export interface Delivery {
  at: string;
  httpStatus?: number;
  error?: string;
  accepted: boolean;
}

/** One signed callback the sandbox made; replaying sends these exact bytes again. */
export interface SentNotification {
  index: number;
  status: string;
  url: string;
  body: string;
  headers: Record<string, string>;
  deliveries: Delivery[];
}

export interface NotifierOptions {
  /** Whether the merchant's answer ends the retries (T-Bank wants `OK`, NOWPayments any 2xx). */
  accepted(response: Response, text: string): boolean;
  maxAttempts: number;
  retryDelayMs: number;
  logger: Logger;
}

/** Sends callbacks in the background; `idle()` lets tests and shutdown wait for them. */
export class Notifier {
  private readonly inFlight = new Set<Promise<void>>();
  constructor(private readonly options: NotifierOptions) {}

  send(notification: SentNotification, copies = 1): void {
    for (let copy = 0; copy < copies; copy += 1) {
      const delivery = this.deliver(notification).finally(() => this.inFlight.delete(delivery));
      this.inFlight.add(delivery);
    }
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async deliver(notification: SentNotification): Promise<void> {
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt += 1) {
      const record: Delivery = { at: new Date().toISOString(), accepted: false };
      notification.deliveries.push(record);
      try {
        const response = await fetch(notification.url, {
          method: "POST",
          headers: { "content-type": "application/json", ...notification.headers },
          body: notification.body,
          signal: AbortSignal.timeout(10_000),
        });
        const text = await response.text();
        record.httpStatus = response.status;
        record.accepted = this.options.accepted(response, text);
        if (record.accepted) return;
      } catch (error) {
        record.error = error instanceof Error ? error.message : String(error);
      }
      this.options.logger.debug("sandbox callback not accepted", { url: notification.url, attempt, status: record.httpStatus, error: record.error });
      if (attempt < this.options.maxAttempts) await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs * 2 ** (attempt - 1)));
    }
  }
}

/** How a control action calls back: `repeat` copies at once, or none at all (`mute`: a provider that times out). */
export const callbackOptions = z.object({
  repeat: z.int().min(1).max(100).default(1),
  mute: z.boolean().default(false),
});
export type CallbackOptions = z.infer<typeof callbackOptions>;

export const payOptions = callbackOptions.extend({
  /** USDT: what arrives (less = under-payment, more = over-payment); SBP always pays the full amount. */
  amountMinor: z.int().nonnegative().optional(),
  /** USDT: blocks on top of the transfer's block right away. */
  confirmations: z.int().nonnegative().optional(),
});
export type PayOptions = z.infer<typeof payOptions>;

export const replayOptions = z.object({
  /** Which past callback: 0 = the first (an older status after a newer one), -1 = the latest. */
  index: z.int().default(-1),
  repeat: z.int().min(1).max(100).default(1),
});
export type ReplayOptions = z.infer<typeof replayOptions>;

export class SandboxError extends Error {
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

/** The control surface of a sandbox, in-process and over HTTP under /_sandbox. */
export interface SandboxControl {
  list(): unknown[];
  describe(id: string): unknown;
  pay(id: string, options: PayOptions): unknown;
  decline(id: string, options: CallbackOptions): unknown;
  expire(id: string, options: CallbackOptions): unknown;
  /** USDT: mines blocks, so pending transfers gain confirmations. */
  mine(blocks: number, options: CallbackOptions): unknown;
  replay(id: string, options: ReplayOptions): unknown;
  failNextRefund(id: string): unknown;
  notifications(id: string): SentNotification[];
  idle(): Promise<void>;
}

/** The control calls both sandboxes answer alike: replaying past callbacks, failing a refund, listing and idling. */
export function commonControl<Payment extends { notifications: SentNotification[]; failNextRefund: boolean }>(
  find: (id: string) => Payment,
  notifier: Notifier,
): Pick<SandboxControl, "replay" | "failNextRefund" | "notifications" | "idle"> {
  return {
    replay(id, replay) {
      const payment = find(id);
      const sent = payment.notifications.at(replay.index);
      if (!sent) throw new SandboxError(404, `payment ${id} has no notification ${replay.index}`);
      notifier.send(sent, replay.repeat);
      return { replayed: sent.index, status: sent.status, copies: replay.repeat };
    },
    failNextRefund(id) {
      find(id).failNextRefund = true;
      return { failNextRefund: true };
    },
    notifications: (id) => find(id).notifications,
    idle: () => notifier.idle(),
  };
}

/** /_sandbox routes over a SandboxControl, plus a page per payment with pay/decline/expire buttons. */
export function controlRoutes(control: SandboxControl, title: string): Hono {
  const app = new Hono();
  app.onError((error, c) => {
    if (error instanceof SandboxError) return c.json({ error: error.message }, error.status);
    if (error instanceof z.ZodError) return c.json({ error: "invalid body", issues: error.issues }, 400);
    if (error instanceof SyntaxError) return c.json({ error: "the body is not JSON" }, 400);
    throw error;
  });
  const body = async (c: { req: { text(): Promise<string> } }): Promise<unknown> => {
    const text = await c.req.text();
    return text.trim() === "" ? {} : JSON.parse(text);
  };
  app.get("/_sandbox/payments", (c) => c.json(control.list()));
  app.get("/_sandbox/payments/:id", (c) => c.json(control.describe(c.req.param("id")) as object));
  app.get("/_sandbox/payments/:id/notifications", (c) => c.json(control.notifications(c.req.param("id"))));
  app.post("/_sandbox/payments/:id/pay", async (c) => c.json(control.pay(c.req.param("id"), payOptions.parse(await body(c))) as object));
  app.post("/_sandbox/payments/:id/decline", async (c) => c.json(control.decline(c.req.param("id"), callbackOptions.parse(await body(c))) as object));
  app.post("/_sandbox/payments/:id/expire", async (c) => c.json(control.expire(c.req.param("id"), callbackOptions.parse(await body(c))) as object));
  app.post("/_sandbox/payments/:id/replay", async (c) => c.json(control.replay(c.req.param("id"), replayOptions.parse(await body(c))) as object));
  app.post("/_sandbox/payments/:id/fail-next-refund", (c) => c.json(control.failNextRefund(c.req.param("id")) as object));
  app.post("/_sandbox/blocks", async (c) => {
    const parsed = callbackOptions.extend({ count: z.int().min(1).max(10_000).default(1) }).parse(await body(c));
    return c.json(control.mine(parsed.count, parsed) as object);
  });
  app.post("/_sandbox/idle", async (c) => {
    await control.idle();
    return c.json({ idle: true });
  });
  app.get("/_sandbox/pay/:id", (c) => c.html(payPage(title, c.req.param("id"), control.describe(c.req.param("id")))));
  app.post("/_sandbox/pay/:id", async (c) => {
    const id = c.req.param("id");
    const form = await c.req.parseBody();
    const amount = typeof form.amountMinor === "string" && form.amountMinor !== "" ? Number(form.amountMinor) : undefined;
    if (form.action === "decline") control.decline(id, callbackOptions.parse({}));
    else if (form.action === "expire") control.expire(id, callbackOptions.parse({}));
    else control.pay(id, payOptions.parse({ amountMinor: amount, confirmations: form.confirmations ? Number(form.confirmations) : undefined }));
    return c.redirect(`/_sandbox/pay/${encodeURIComponent(id)}`, 303);
  });
  return app;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function payPage(title: string, id: string, state: unknown): string {
  const safeId = escapeHtml(id);
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>${escapeHtml(title)} ${safeId}</title>
<body style="font-family:sans-serif;max-width:40rem;margin:2rem auto">
<h1>${escapeHtml(title)}</h1><p>Payment <code>${safeId}</code> — a local sandbox: no money moves.</p>
<pre>${escapeHtml(JSON.stringify(state, null, 2))}</pre>
<form method="post"><input type="hidden" name="action" value="pay">
<label>Amount (minor units, empty = exact) <input name="amountMinor" inputmode="numeric"></label>
<label>Confirmations <input name="confirmations" inputmode="numeric"></label>
<button>Pay</button></form>
<form method="post"><input type="hidden" name="action" value="decline"><button>Decline</button></form>
<form method="post"><input type="hidden" name="action" value="expire"><button>Expire</button></form>
</body></html>`;
}

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Listens on host:port (0 = any free port) and resolves once it accepts connections. */
export async function listen(app: Hono, port: number, host: string): Promise<RunningServer> {
  let server: ServerType | undefined;
  const info = await new Promise<AddressInfo>((resolve, reject) => {
    server = serve({ fetch: app.fetch, port, hostname: host }, resolve);
    server.once("error", reject);
  });
  const running = server;
  return {
    url: `http://${host}:${info.port}`,
    port: info.port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (!running) return resolve();
        if ("closeAllConnections" in running) running.closeAllConnections();
        running.close(() => resolve());
      }),
  };
}

/** Hex id of `bytes` random bytes. */
export function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** A request's JSON body, or undefined when it is not JSON (the schema then refuses it as the provider would). */
export async function jsonOf(c: { req: { text(): Promise<string> } }): Promise<unknown> {
  try {
    return JSON.parse(await c.req.text());
  } catch {
    return undefined;
  }
}
