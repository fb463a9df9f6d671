import type { NodeConfig } from "../../shared/config.ts";
import type { PaymentProviders } from "../../workers/billing/domain/payment-providers.ts";
import { startConsumer, type RetryPolicy } from "../events/consumer.ts";
import { createEventLog } from "../events/event-log-factory.ts";
import type { OriginContext, OriginService, RunningService } from "../service.ts";
import { dropOldIdempotencyKeys } from "./housekeeping.ts";
import { pollPendingPayments } from "./poller.ts";
import { originPaymentProviders } from "./providers.ts";
import { runRefunds } from "./refunds.ts";
import { sagaGroup, sagaHandlers, sagaTopics } from "./saga/consumer.ts";
import type { SagaSettings } from "./saga/decide.ts";
import { runAdminRefunds, runTimers } from "./saga/timers.ts";
import { startPeriodic } from "../periodic.ts";
import { billingTables, msUntilBillingDue } from "./next-due.ts";

const defaultRetry: RetryPolicy = { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 10_000 };

export function sagaSettingsOf(config: NodeConfig): SagaSettings {
  return { graceMs: config.BILLING_GRACE_HOURS * 3_600_000, callbackSlackMs: config.BILLING_CALLBACK_SLACK_SECONDS * 1_000 };
}

export interface SagaServiceOptions {
  /** Tests pass their own; otherwise built from configuration. */
  providers?: (config: NodeConfig) => PaymentProviders;
  /** The payment-event consumer's retries; its last attempt compensates (tests shorten them). */
  retry?: RetryPolicy;
}

/**
 * `--service subscription-saga`: the orchestrated subscription saga (payment
 * events → activation, failure, compensation), its timers (payment deadlines,
 * expiry after the grace period), the refund executor and status polling.
 */
export function createSagaService(options: SagaServiceOptions = {}): OriginService {
  return {
    name: "subscription-saga",
    description: "subscription saga: PaymentCompleted/Failed → SubscriptionActivated/Failed/Expired, refunds, payment status polling",
    async start(context: OriginContext): Promise<RunningService> {
      const { config, db, log } = context;
      const settings = sagaSettingsOf(config);
      const providers = (options.providers ?? originPaymentProviders)(config);
      const retry = options.retry ?? defaultRetry;
      const backbone = createEventLog(config, db, log);
      try {
        const consumer = await startConsumer({
          log: backbone.log,
          db,
          group: sagaGroup,
          topics: sagaTopics,
          logger: log,
          retry,
          // A saga step is small; one transaction per event keeps a redo to one step.
          transactionScope: "event",
          handlers: sagaHandlers(settings, { maxAttempts: retry.maxAttempts }),
        });
        const pollAfterMs = config.BILLING_POLL_AFTER_SECONDS * 1_000;
        const loop = startPeriodic(
          config.BILLING_TICK_MS,
          log,
          "billing loop pass failed",
          async () => {
            await runTimers(db, settings, log);
            await runAdminRefunds(db, settings, log);
            await runRefunds(db, providers, log);
            await pollPendingPayments(db, providers, log, { pollAfterMs });
            await dropOldIdempotencyKeys(db);
          },
          // Admin refunds have no time: they come with a write to billing.refunds.
          { db, wakeOn: billingTables, msUntilDue: () => msUntilBillingDue(db, settings, pollAfterMs) },
        );
        return {
          async stop() {
            await loop.stop();
            await consumer.stop();
            await backbone.log.close();
          },
        };
      } catch (error) {
        await backbone.log.close();
        throw error;
      }
    },
  };
}

export const subscriptionSagaService = createSagaService();
