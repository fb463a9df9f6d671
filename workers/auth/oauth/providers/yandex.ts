import { z } from "zod";
import { AppError } from "../../../../shared/errors.ts";
import type { ExternalIdentity, ProviderAdapter } from "./types.ts";

// GET https://login.yandex.ru/info?format=json (Authorization: OAuth <token>) →
// { id, login, client_id, display_name, real_name, first_name, last_name, sex, default_email, emails, psuid, ... }
const infoSchema = z.object({
  id: z.union([z.string().regex(/^\d{1,20}$/), z.number().int().positive()]).transform(String),
  default_email: z.string().max(254).optional(),
});

// Mailboxes Yandex itself hosts: an address there belongs to the account that
// signed in. Other addresses Yandex lists are the user's word, so they do not link.
const yandexMailDomains = new Set(["yandex.ru", "ya.ru", "yandex.com", "yandex.by", "yandex.kz", "yandex.ua", "yandex.com.tr", "narod.ru"]);

/** Maps Yandex ID's `/info` answer to an identity. */
export function yandexIdentity(body: unknown): ExternalIdentity {
  const parsed = infoSchema.safeParse(body);
  if (!parsed.success) throw new AppError("BAD_GATEWAY", "Yandex ID's user info has an unexpected shape.");
  const email = parsed.data.default_email?.trim() || null;
  const domain = email?.split("@")[1]?.toLowerCase() ?? "";
  return { provider: "yandex", subject: parsed.data.id, email, emailVerified: yandexMailDomains.has(domain) };
}

export const yandex: ProviderAdapter = {
  id: "yandex",
  kind: "oauth2",
  scope: "login:email login:info",
  clientAuth: "client_secret_post",
  async identity({ settings, tokens, fetch }) {
    const response = await fetch(settings.userInfoUrl, {
      headers: { authorization: `OAuth ${tokens.access_token}`, accept: "application/json" },
    });
    if (!response.ok) throw new AppError("BAD_GATEWAY", `Yandex ID's user info answered ${response.status}.`);
    return yandexIdentity(await response.json());
  },
};
