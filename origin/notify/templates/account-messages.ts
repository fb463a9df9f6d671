/**
 * The account mails (address verification, a new address, a password reset),
 * in Russian and English. The link carries its token in the URL fragment: a
 * fragment never reaches a server's access log or a Referer header; the web
 * app reads it and POSTs it (a GET that spent the token would be spent by the
 * link scanners of mail providers before the person ever clicks).
 */
import type { AccountMailPurpose } from "../../../workers/auth/account-email.ts";
import type { Locale, Message, Recipient } from "./messages.ts";

export type AccountMessage = Omit<Message, "push">;

/** The web app's pages for each link (web/); the token rides in the fragment. */
export function accountLinkPath(purpose: AccountMailPurpose, token: string): string {
  const page = purpose === "reset-password" ? "/app/account/reset-password" : "/app/account/verify-email";
  return `${page}#token=${encodeURIComponent(token)}`;
}

function minutesUntil(expiresAt: Date, now: Date): number {
  return Math.max(1, Math.round((expiresAt.getTime() - now.getTime()) / 60_000));
}

const russianDays: Record<string, string> = { one: "день", few: "дня", many: "дней", other: "дня" };

function lifetime(minutes: number, locale: Locale): string {
  if (minutes >= 48 * 60) {
    const days = Math.round(minutes / (24 * 60));
    return locale === "en" ? `${days} days` : `${days} ${russianDays[new Intl.PluralRules("ru").select(days)]}`;
  }
  return locale === "en" ? `${minutes} minutes` : `${minutes} мин.`;
}

export function accountMessageFor(
  purpose: AccountMailPurpose,
  locale: Locale,
  recipient: Recipient,
  link: { token: string; expiresAt: Date },
  now: Date = new Date(),
): AccountMessage {
  const name = recipient.displayName?.trim() || null;
  const path = accountLinkPath(purpose, link.token);
  const valid = lifetime(minutesUntil(link.expiresAt, now), locale);
  if (locale === "en") {
    const common = { greeting: name ? `Hello, ${name}!` : "Hello!", signature: "The TUNEC team" };
    switch (purpose) {
      case "verify-email":
        return {
          ...common,
          subject: "Confirm your email for TUNEC",
          paragraphs: [
            `Please confirm that this address is yours. The link works once, for ${valid}.`,
            "If you did not create a TUNEC account, ignore this letter.",
          ],
          action: { label: "Confirm email", path },
        };
      case "change-email":
        return {
          ...common,
          subject: "Confirm your new email for TUNEC",
          paragraphs: [
            `Someone (hopefully you) asked to use this address for a TUNEC account. The link works once, for ${valid}.`,
            "If it was not you, ignore this letter: nothing changes.",
          ],
          action: { label: "Use this email", path },
        };
      case "reset-password":
        return {
          ...common,
          subject: "Reset your TUNEC password",
          paragraphs: [
            `Follow the link to choose a new password. It works once, for ${valid}; all your devices will be signed out.`,
            "If you did not ask for this, ignore this letter: your password stays as it is.",
          ],
          action: { label: "Choose a new password", path },
        };
    }
  }
  const common = { greeting: name ? `Здравствуйте, ${name}!` : "Здравствуйте!", signature: "Команда TUNEC" };
  switch (purpose) {
    case "verify-email":
      return {
        ...common,
        subject: "Подтвердите почту для TUNEC",
        paragraphs: [
          `Подтвердите, что это ваш адрес. Ссылка сработает один раз и действует ${valid}.`,
          "Если вы не создавали аккаунт TUNEC, просто проигнорируйте письмо.",
        ],
        action: { label: "Подтвердить почту", path },
      };
    case "change-email":
      return {
        ...common,
        subject: "Подтвердите новую почту для TUNEC",
        paragraphs: [
          `Кто-то (надеемся, вы) хочет указать этот адрес в аккаунте TUNEC. Ссылка сработает один раз и действует ${valid}.`,
          "Если это были не вы, проигнорируйте письмо: ничего не изменится.",
        ],
        action: { label: "Указать эту почту", path },
      };
    case "reset-password":
      return {
        ...common,
        subject: "Сброс пароля TUNEC",
        paragraphs: [
          `Перейдите по ссылке, чтобы задать новый пароль. Она сработает один раз и действует ${valid}; на всех устройствах потребуется войти заново.`,
          "Если вы не просили сбросить пароль, проигнорируйте письмо: пароль останется прежним.",
        ],
        action: { label: "Задать новый пароль", path },
      };
  }
}
