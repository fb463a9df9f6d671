/**
 * A stand-in for the billing callback routes in provider tests: verifies each
 * callback with the provider's adapter and records what it said (or why it
 * was refused), answering as the provider expects.
 */
import { Hono } from "hono";
import { AppError } from "../../../../../shared/errors.ts";
import { listen, type RunningServer } from "../../../../../origin/billing-sandbox/common.ts";
import type { PaymentProvider, ProviderPaymentStatus } from "../payment-provider.ts";
import type { ProviderHarness, ProviderUnderTest } from "./harnesses.ts";

export type ReceivedCallback = { verified: true; status: ProviderPaymentStatus } | { verified: false; code: string };

export interface CallbackReceiver extends RunningServer {
  urlFor(provider: string): string;
  received(provider: string, providerPaymentId?: string): ReceivedCallback[];
  /** Polls until `done` holds for the callbacks received so far (5 s deadline). */
  waitFor(provider: string, done: (callbacks: ReceivedCallback[]) => boolean): Promise<ReceivedCallback[]>;
}

/** `providerNamed` is read per request, so providers can be built with the receiver's URL. */
export async function startCallbackReceiver(providerNamed: (name: string) => PaymentProvider | undefined): Promise<CallbackReceiver> {
  const log = new Map<string, ReceivedCallback[]>();
  const app = new Hono();
  app.post("/callbacks/:provider", async (c) => {
    const provider = providerNamed(c.req.param("provider"));
    if (!provider) return c.text("unknown provider", 404);
    const entries = log.get(provider.name) ?? [];
    log.set(provider.name, entries);
    try {
      const status = await provider.verifyCallback(c.req.raw);
      entries.push({ verified: true, status });
      return provider.acknowledge?.() ?? c.body(null, 200);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      entries.push({ verified: false, code: error.code });
      return c.text(error.code, 400);
    }
  });
  const server = await listen(app, 0, "127.0.0.1");
  const received = (provider: string, providerPaymentId?: string) =>
    (log.get(provider) ?? []).filter((entry) => providerPaymentId === undefined || (entry.verified && entry.status.providerPaymentId === providerPaymentId));
  return {
    ...server,
    urlFor: (provider) => `${server.url}/callbacks/${provider}`,
    received,
    async waitFor(provider, done) {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const entries = received(provider);
        if (done(entries)) return entries;
        if (Date.now() > deadline) throw new Error(`callbacks for ${provider} did not arrive: ${JSON.stringify(entries)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

/**
 * A harness's adapter and sandbox, with a callback receiver that hands the
 * sandbox's callbacks to that adapter; `stop` ends both.
 */
export async function startProviderWithReceiver(
  harness: ProviderHarness,
): Promise<{ receiver: CallbackReceiver; under: ProviderUnderTest; provider: PaymentProvider; stop(): Promise<void> }> {
  let under: ProviderUnderTest | undefined;
  const receiver = await startCallbackReceiver((name) => (name === harness.name ? under?.provider : undefined));
  under = await harness.start(receiver.urlFor(harness.name)).catch(async (error: unknown) => {
    await receiver.stop();
    throw error;
  });
  const started = under;
  return {
    receiver,
    under: started,
    provider: started.provider,
    async stop() {
      await started.stop();
      await receiver.stop();
    },
  };
}
