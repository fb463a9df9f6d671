import { z } from "zod";
import { defineEvent } from "./definition.ts";
import { entityId, instant } from "./primitives.ts";

/**
 * The event names the account and what to send, never the address or the
 * link: an address is personal data every topic would keep for its retention,
 * and a link is a credential. The notification service mints the link through
 * auth's code when it writes the mail (origin/notify/account-mail.ts).
 */
export const accountEmailRequestedV1 = defineEvent({
  type: "tunec.auth.account-email-requested.v1",
  name: "AccountEmailRequested",
  version: 1,
  topic: "tunec.auth.accounts",
  key: (data) => data.userId,
  description: "An account needs a link by email: verify its address, confirm a new one, or reset its password.",
  schema: z.object({
    userId: entityId,
    purpose: z.enum(["verify-email", "change-email", "reset-password"]).meta({
      description: "verify-email: to the account's address; change-email: to the requested new address; reset-password: to the account's address.",
    }),
    requestedAt: instant,
  }),
});
