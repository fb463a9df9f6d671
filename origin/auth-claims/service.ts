import { consumerService } from "../events/consumer-service.ts";
import { applyUserUpdated, authClaimsGroup, authClaimsTopics } from "./user-updated.ts";

/** `--service auth-claims`: UserUpdated → auth.accounts.is_premium, read by the next token refresh. */
export const authClaimsService = consumerService({
  name: "auth-claims",
  description: "auth claims: applies UserUpdated (is_premium) to auth.accounts so the next refresh signs it",
  group: authClaimsGroup,
  topics: authClaimsTopics,
  handlers: { "tunec.users.user-updated.v1": applyUserUpdated },
});
