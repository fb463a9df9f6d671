import { z } from "zod";
import { defineEvent } from "./definition.ts";
import { entityId, instant } from "./primitives.ts";

export const userUpdatedV1 = defineEvent({
  type: "tunec.users.user-updated.v1",
  name: "UserUpdated",
  version: 1,
  topic: "tunec.users",
  key: (data) => data.userId,
  description: "A profile or the premium status changed; auth puts the new claims in the next refreshed token.",
  schema: z.object({
    userId: entityId,
    changed: z
      .array(z.enum(["displayName", "avatarUrl", "locale", "isPremium"]))
      .min(1)
      .meta({ description: "Which fields this change touched." }),
    displayName: z.string().min(1).max(200).nullable(),
    avatarUrl: z.url().nullable(),
    locale: z.string().min(2).max(35).meta({ description: "BCP 47 tag, e.g. ru or en." }),
    isPremium: z.boolean(),
    premiumUntil: instant.nullable(),
    updatedAt: instant,
  }),
});
