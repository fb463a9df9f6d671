/**
 * Mailer over SMTP with nodemailer: a pooled transport (few connections,
 * reused) with bounded timeouts, so a hung server fails an attempt well within
 * the dispatcher's lease instead of holding it for nodemailer's default 10 minutes.
 */
import nodemailer from "nodemailer";
import { DeliveryFailure, type Mailer, type OutgoingEmail } from "./ports.ts";

export interface SmtpMailerOptions {
  /** smtp://user:pass@host:port or smtps://… (nodemailer's connection URL). */
  url: string;
  /** "Name <address>" of the sender. */
  from: string;
  timeoutMs?: number;
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  permanent?: boolean;
  message?: string;
}

function classify(error: unknown): DeliveryFailure {
  const smtp = (typeof error === "object" && error !== null ? error : {}) as SmtpError;
  const message = `SMTP: ${smtp.message ?? String(error)}`.slice(0, 1000);
  // nodemailer marks RFC 5321 5yz replies (but 503) permanent; an envelope it could not even build is permanent too.
  if (smtp.permanent === true || (smtp.code === "EENVELOPE" && smtp.responseCode === undefined))
    return new DeliveryFailure("permanent", message, { cause: error });
  return new DeliveryFailure("transient", message, { cause: error });
}

export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const transport = nodemailer.createTransport(
    {
      url: options.url,
      pool: true,
      maxConnections: 3,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    },
    { from: options.from },
  );
  return {
    async send(email: OutgoingEmail) {
      try {
        const info = await transport.sendMail({
          to: email.to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          messageId: email.messageId,
          // Transactional mail: ask autoresponders to stay quiet (RFC 3834).
          headers: { "Auto-Submitted": "auto-generated" },
        });
        // The server's reply to DATA, which names its queue id (e.g. "250 OK: queued as 4Xyz").
        return { providerMessageId: String(info.response || info.messageId).slice(0, 500) };
      } catch (error) {
        throw classify(error);
      }
    },
    async close() {
      transport.close();
    },
  };
}
