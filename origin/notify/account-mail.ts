/**
 * AccountEmailRequested → one queued email with a fresh one-time link. The
 * link is minted here, in the consumer's inbox transaction, through auth's
 * own code (workers/auth/account-email.ts `mintAccountLink`): the event carries
 * neither the address nor the token, so neither sits in Kafka's retention. The
 * rendered mail holds the link until it is sent; `markSent` then blanks it
 * (deliveries.ts), so the delivery log keeps no live credential.
 */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { TunecEvent } from "../../shared/events/catalog.ts";
import { parseTraceparent } from "../../shared/events/traceparent.ts";
import { mintAccountLink, type AccountLink, type AccountMailPurpose } from "../../workers/auth/account-email.ts";
import type { HandlerContext } from "../events/consumer.ts";
import type { ContactDirectory } from "./contacts.ts";
import { queueDeliveries } from "./deliveries.ts";
import { emailMessageId } from "./message-ids.ts";
import { accountMessageFor } from "./templates/account-messages.ts";
import { renderEmail } from "./templates/render.ts";

/** The port to auth's link minting; the database adapter calls auth's function in the same transaction. */
export interface AccountLinks {
  mint(db: Kysely<Database> | Transaction<Database>, userId: string, purpose: AccountMailPurpose): Promise<AccountLink | null>;
}

export const databaseAccountLinks: AccountLinks = { mint: mintAccountLink };

export interface AccountMailDeps {
  contacts: ContactDirectory;
  links: AccountLinks;
  appUrl: string;
  mailDomain: string;
}

/** A reset asked for long ago is no longer awaited: a late link would only puzzle (or alarm) its reader. */
const maxRequestAgeMs: Record<AccountMailPurpose, number> = {
  "verify-email": 3 * 24 * 3600_000,
  "change-email": 3600_000,
  "reset-password": 3600_000,
};

export async function enqueueAccountMail(
  deps: AccountMailDeps,
  event: TunecEvent<"tunec.auth.account-email-requested.v1">,
  trx: Transaction<Database>,
  context: Pick<HandlerContext, "logger">,
  now: Date = new Date(),
): Promise<void> {
  const { userId, purpose } = event.data;
  if (now.getTime() - Date.parse(event.data.requestedAt) > maxRequestAgeMs[purpose]) {
    context.logger.info("account mail request too old; skipped", { user_id: userId, purpose, requested_at: event.data.requestedAt });
    return;
  }
  const link = await deps.links.mint(trx, userId, purpose);
  if (!link) {
    context.logger.info("account mail no longer needed (verified, withdrawn, taken or gone)", { user_id: userId, purpose });
    return;
  }
  const contact = await deps.contacts.contactOf(trx, userId);
  const message = accountMessageFor(purpose, contact.locale, contact, link, now);
  const email = renderEmail(message, contact.locale, deps.appUrl);
  const queued = await queueDeliveries(trx, [
    {
      event_id: event.id,
      event_type: event.type,
      user_id: userId,
      locale: contact.locale,
      template: `account-${purpose}`,
      trace_id: parseTraceparent(event.traceparent)?.traceId ?? null,
      channel: "email",
      recipient: link.to,
      content: { ...email, messageId: emailMessageId(event.id, link.to, deps.mailDomain) },
    },
  ]);
  context.logger.info("account mail queued", { user_id: userId, purpose, locale: contact.locale, queued });
}
