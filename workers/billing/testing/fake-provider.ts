/**
 * An in-memory PaymentProvider for tests (not shipped): payments it "created",
 * outcomes the test decides, HMAC-signed callbacks it can produce, and refunds
 * counted by idempotency key, so a test can prove "one refund in effect".
 * Web-standard only: runs in workerd and Node.
 */
import { AppError } from "../../../shared/errors.ts";
import type {
  CreatedPayment,
  CreatePaymentInput,
  Money,
  PaymentMethod,
  PaymentProvider,
  ProviderPaymentState,
  ProviderPaymentStatus,
} from "../domain/providers/payment-provider.ts";

interface FakePayment {
  paymentId: string;
  providerPaymentId: string;
  amount: Money;
  state: ProviderPaymentState;
}

export interface FakeRefund {
  refundId: string;
  providerPaymentId: string;
  amount: Money;
  idempotencyKey: string;
  /** How many calls carried this key (the provider returned the same refund each time). */
  calls: number;
}

export interface FakeProvider extends PaymentProvider {
  /** Sets what the provider says about a payment from now on. */
  settle(providerPaymentId: string, state: ProviderPaymentState): void;
  /** A signed callback request saying what the provider says now. */
  callback(url: string, providerPaymentId: string): Promise<Request>;
  payments(): FakePayment[];
  refunds(): FakeRefund[];
  /** The next createPayment throws (provider outage). */
  failNextCreate(): void;
  /** Calls made, by operation, for assertions. */
  calls: { create: number; get: number; refund: number };
}

const encoder = new TextEncoder();

async function sign(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(body)));
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export function createFakeProvider(options: { name?: string; method?: PaymentMethod; secret?: string } = {}): FakeProvider {
  const name = options.name ?? "fake";
  const method = options.method ?? "sbp";
  const secret = options.secret ?? "fake-provider-secret";
  const byProviderId = new Map<string, FakePayment>();
  const byKey = new Map<string, string>();
  const refunds = new Map<string, FakeRefund>();
  const calls = { create: 0, get: 0, refund: 0 };
  let failCreate = false;

  const statusOf = (payment: FakePayment): ProviderPaymentStatus => ({
    providerPaymentId: payment.providerPaymentId,
    paymentId: payment.paymentId,
    state: payment.state,
  });
  const find = (providerPaymentId: string): FakePayment => {
    const payment = byProviderId.get(providerPaymentId);
    if (!payment) throw new Error(`fake provider: no payment ${providerPaymentId}`);
    return payment;
  };

  return {
    name,
    method,
    calls,
    async createPayment(input: CreatePaymentInput): Promise<CreatedPayment> {
      calls.create += 1;
      if (failCreate) {
        failCreate = false;
        throw new Error("fake provider: outage");
      }
      const existing = byKey.get(input.idempotencyKey);
      const providerPaymentId = existing ?? `fake-${crypto.randomUUID()}`;
      if (!existing) {
        byKey.set(input.idempotencyKey, providerPaymentId);
        byProviderId.set(providerPaymentId, { paymentId: input.paymentId, providerPaymentId, amount: input.amount, state: { status: "pending" } });
      }
      const instructions =
        method === "sbp"
          ? {
              kind: "sbp_qr" as const,
              confirmationUrl: `https://qr.nspk.ru/${providerPaymentId}`,
              qrPayload: `https://qr.nspk.ru/${providerPaymentId}?type=02`,
            }
          : {
              kind: "usdt_trc20" as const,
              address: "TXYZfakeAddress0000000000000000000",
              amount: input.amount,
              requiredConfirmations: 19,
              expiresAt: input.expiresAt.toISOString(),
            };
      return { providerPaymentId, instructions };
    },
    async getPayment(providerPaymentId) {
      calls.get += 1;
      return statusOf(find(providerPaymentId));
    },
    async verifyCallback(request) {
      const body = await request.text();
      const signature = request.headers.get("x-fake-signature") ?? "";
      if (signature !== (await sign(secret, body))) throw new AppError("PAYMENT_CALLBACK_INVALID", "The callback signature does not match.");
      return JSON.parse(body) as ProviderPaymentStatus;
    },
    async refund(input) {
      calls.refund += 1;
      const existing = refunds.get(input.idempotencyKey);
      if (existing) {
        existing.calls += 1;
        return { refundId: existing.refundId, status: "succeeded" };
      }
      find(input.providerPaymentId);
      const refund = {
        refundId: `refund-${crypto.randomUUID()}`,
        providerPaymentId: input.providerPaymentId,
        amount: input.amount,
        idempotencyKey: input.idempotencyKey,
        calls: 1,
      };
      refunds.set(input.idempotencyKey, refund);
      return { refundId: refund.refundId, status: "succeeded" };
    },
    settle(providerPaymentId, state) {
      find(providerPaymentId).state = state;
    },
    async callback(url, providerPaymentId) {
      const body = JSON.stringify(statusOf(find(providerPaymentId)));
      return new Request(url, { method: "POST", headers: { "content-type": "application/json", "x-fake-signature": await sign(secret, body) }, body });
    },
    payments: () => [...byProviderId.values()],
    refunds: () => [...refunds.values()],
    failNextCreate() {
      failCreate = true;
    },
  };
}
