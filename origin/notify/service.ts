/**
 * `--service notify`: subscription and artist-access events → email (SMTP) and
 * Web Push; account
 * mails (address verification, a new address, a password reset) → email.
 * Two parts in one service: a consumer that turns each event into queued
 * deliveries (exactly once, in its inbox transaction) and a dispatcher that
 * sends them with retries and records the outcome in notify.deliveries.
 */
import { ConfigError } from "../../shared/config.ts";
import { startConsumer, type EventHandler, type RetryPolicy } from "../events/consumer.ts";
import { createEventLog } from "../events/event-log-factory.ts";
import type { OriginContext, OriginService } from "../service.ts";
import { databaseAccountLinks, enqueueAccountMail, type AccountLinks } from "./account-mail.ts";
import { databaseContactDirectory, type ContactDirectory } from "./contacts.ts";
import { startDispatcher } from "./dispatcher.ts";
import { enqueueNotifications, type EnqueueDeps, type NotifiableEventType } from "./enqueue.ts";
import { mailDomain } from "./message-ids.ts";
import type { Mailer, PushSender } from "./ports.ts";
import { createSmtpMailer } from "./smtp-mailer.ts";
import { createWebPushSender, type VapidKeys } from "./web-push-sender.ts";

export const notifyGroup = "notify";
export const notifyTopics = ["tunec.billing.subscriptions", "tunec.auth.accounts", "tunec.catalog.artist-access"];

export interface NotifyServiceOptions {
  /** Retries of one delivery (the dispatcher's schedule, kept in the table). */
  deliveryRetry?: RetryPolicy;
  pollMs?: number;
  /** Events older than this are recorded but not announced: "welcome to Premium" a week late only confuses. */
  maxEventAgeMs?: number;
  contacts?: ContactDirectory;
  accountLinks?: AccountLinks;
  mailer?: (context: OriginContext) => Mailer;
  push?: (context: OriginContext) => PushSender | null;
}

const defaultDeliveryRetry: RetryPolicy = { maxAttempts: 8, baseDelayMs: 2_000, maxDelayMs: 15 * 60_000 };

/** Both VAPID keys or neither (push off); one alone is a configuration mistake. */
export function vapidKeys(config: OriginContext["config"]): VapidKeys | null {
  const { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey, VAPID_SUBJECT: subject } = config;
  if (publicKey && privateKey) return { publicKey, privateKey, subject };
  if (!publicKey && !privateKey) return null;
  const missing = publicKey ? "VAPID_PRIVATE_KEY" : "VAPID_PUBLIC_KEY";
  throw new ConfigError([{ variable: missing, problem: "is required when the other VAPID key is set" }]);
}

export function createNotifyService(options: NotifyServiceOptions = {}): OriginService {
  return {
    name: "notify",
    description: "notifications: subscription events and account mails (verification, reset) → email (SMTP) and Web Push, with a delivery log and retries",
    async start(context) {
      const { config, db, log } = context;
      const vapid = vapidKeys(config);
      const push = options.push
        ? options.push(context)
        : vapid
          ? createWebPushSender(vapid, { allowPrivateAddresses: config.ENVIRONMENT !== "production" })
          : null;
      if (!push) log.warn("Web Push is off: set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY (npm start makes a development pair)");
      const mailer = options.mailer ? options.mailer(context) : createSmtpMailer({ url: config.SMTP_URL, from: config.MAIL_FROM });
      const deps: EnqueueDeps = {
        contacts: options.contacts ?? databaseContactDirectory,
        appUrl: config.NOTIFY_APP_URL,
        mailDomain: mailDomain(config.MAIL_FROM),
        pushEnabled: push !== null,
      };
      const maxAgeMs = options.maxEventAgeMs ?? 3 * 24 * 3600_000;
      const handle: EventHandler<NotifiableEventType> = async (event, trx, handler) => {
        if (Date.now() - Date.parse(event.time) > maxAgeMs) {
          handler.logger.info("event too old to announce; skipped", { time: event.time });
          return;
        }
        await enqueueNotifications(deps, event, trx, handler);
      };

      const dispatcher = startDispatcher({
        db,
        logger: log,
        mailer,
        push,
        retry: options.deliveryRetry ?? defaultDeliveryRetry,
        ...(options.pollMs ? { pollMs: options.pollMs } : {}),
      });
      const backbone = createEventLog(config, db, log);
      try {
        const consumer = await startConsumer({
          log: backbone.log,
          db,
          group: notifyGroup,
          topics: notifyTopics,
          logger: log,
          retry: { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 10_000 },
          handlers: {
            "tunec.billing.subscription-activated.v1": handle,
            "tunec.billing.subscription-failed.v1": handle,
            "tunec.billing.subscription-expired.v1": handle,
            "tunec.catalog.artist-application-decided.v1": handle,
            "tunec.catalog.artist-manager-added.v1": handle,
            "tunec.auth.account-email-requested.v1": (event, trx, handler) =>
              enqueueAccountMail({ ...deps, links: options.accountLinks ?? databaseAccountLinks }, event, trx, handler),
          },
        });
        return {
          async stop() {
            await consumer.stop();
            await dispatcher.stop();
            await mailer.close();
            await backbone.log.close();
          },
        };
      } catch (error) {
        await dispatcher.stop();
        await mailer.close();
        await backbone.log.close();
        throw error;
      }
    },
  };
}

export const notifyService = createNotifyService();
