/**
 * The notification service's ports. The dispatcher only knows these; the
 * adapters (nodemailer over SMTP, web-push over HTTP) live beside them and
 * pass the same contract tests as any replacement must.
 */

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** RFC 5322 Message-ID with angle brackets, stable per (event, recipient): a resend is recognisable as the same message. */
  messageId: string;
}

export interface Mailer {
  /** Resolves once the server accepted the message; rejects with a DeliveryFailure. */
  send(email: OutgoingEmail): Promise<{ providerMessageId: string }>;
  close(): Promise<void>;
}

/** A browser's PushSubscription as the edge stored it. */
export interface PushTarget {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface PushOptions {
  /** Web Push `Topic`: the push service keeps only the newest undelivered message of a topic. */
  topic: string;
  /** How long the push service may hold the message for an offline browser. */
  ttlSeconds: number;
  urgency: "very-low" | "low" | "normal" | "high";
}

export interface PushSender {
  /** Encrypts `payload` for the subscription (aes128gcm) and posts it with a VAPID signature. */
  send(target: PushTarget, payload: string, options: PushOptions): Promise<{ providerMessageId: string | null }>;
}

/**
 * How a send failed, which decides what the dispatcher does next:
 * `transient` retries with backoff (network, timeouts, SMTP 4xx, push 429/5xx),
 * `permanent` stops (SMTP 5xx, a refused payload), `gone` stops and drops the
 * push subscription (404/410 from the push service).
 */
export type FailureKind = "transient" | "permanent" | "gone";

export class DeliveryFailure extends Error {
  override readonly name = "DeliveryFailure";
  constructor(
    readonly kind: FailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
