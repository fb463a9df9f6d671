/**
 * What each notification says, in Russian and English. A message is plain
 * words and one link; render.ts turns it into the text part, the HTML part
 * (every word escaped) and the push payload, so no template writes markup.
 */
import type { EventData } from "../../../shared/events/catalog.ts";

export type Locale = "ru" | "en";

export type NotificationTemplate =
  | { name: "subscription-activated"; data: EventData<"tunec.billing.subscription-activated.v1"> }
  | { name: "subscription-renewed"; data: EventData<"tunec.billing.subscription-activated.v1"> }
  | { name: "subscription-failed"; data: EventData<"tunec.billing.subscription-failed.v1"> }
  | { name: "subscription-expired"; data: EventData<"tunec.billing.subscription-expired.v1"> }
  | { name: "artist-application-approved" | "artist-application-rejected"; data: EventData<"tunec.catalog.artist-application-decided.v1"> }
  | { name: "artist-manager-added"; data: EventData<"tunec.catalog.artist-manager-added.v1"> };

export interface Message {
  subject: string;
  /** "Здравствуйте, Имя!" or without a name. */
  greeting: string;
  paragraphs: string[];
  action: { label: string; path: string };
  push: { title: string; body: string };
  signature: string;
}

export interface Recipient {
  displayName: string | null;
}

export function formatDate(instant: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", { dateStyle: "long", timeZone: "UTC" }).format(new Date(instant));
}

/** Ends a sentence with a full stop unless it already ends with one (Russian dates end in "г."). */
const sentence = (text: string) => (text.endsWith(".") ? text : `${text}.`);

const planNames = {
  ru: { monthly: "на месяц", yearly: "на год" },
  en: { monthly: "monthly", yearly: "yearly" },
} as const;

const ru = (template: NotificationTemplate): Omit<Message, "greeting" | "signature"> => {
  switch (template.name) {
    case "subscription-activated": {
      const until = formatDate(template.data.periodEnd, "ru");
      return {
        subject: "TUNEC Premium подключён",
        paragraphs: [
          `Спасибо за подписку ${planNames.ru[template.data.plan]}! ${sentence(`TUNEC Premium действует до ${until}`)}`,
          "Музыка без рекламы и в высоком качестве уже доступна на всех ваших устройствах: войдите заново или подождите несколько минут.",
        ],
        action: { label: "Управлять подпиской", path: "/app/account/subscription" },
        push: { title: "TUNEC Premium подключён", body: sentence(`Без рекламы и в высоком качестве до ${until}`) },
      };
    }
    case "subscription-renewed": {
      const until = formatDate(template.data.periodEnd, "ru");
      return {
        subject: "Подписка TUNEC Premium продлена",
        paragraphs: [sentence(`Оплата прошла, подписка ${planNames.ru[template.data.plan]} продлена до ${until}`)],
        action: { label: "Управлять подпиской", path: "/app/account/subscription" },
        push: { title: "Подписка продлена", body: sentence(`TUNEC Premium действует до ${until}`) },
      };
    }
    case "subscription-failed": {
      const why = {
        payment_failed: "платёж не прошёл",
        payment_timeout: "мы не дождались подтверждения оплаты",
        activation_failed: "нам не удалось включить подписку",
      }[template.data.reason.code];
      const refund = template.data.compensation === "refund_requested" ? ["Деньги вернутся тем же способом оплаты: возврат уже запрошен."] : [];
      return {
        subject: "Не удалось оформить TUNEC Premium",
        paragraphs: [`К сожалению, ${why}, поэтому Premium не подключён.`, ...refund, "Попробуйте ещё раз или выберите другой способ оплаты."],
        action: { label: "Попробовать снова", path: "/app/premium" },
        push: { title: "Premium не подключён", body: `К сожалению, ${why}.` },
      };
    }
    case "subscription-expired": {
      const why = {
        not_renewed: "подписка не была продлена",
        cancelled: "подписка отменена",
        refunded: "платёж возвращён",
      }[template.data.reason];
      return {
        subject: "Подписка TUNEC Premium закончилась",
        paragraphs: [`Premium больше не действует: ${why}. Музыка остаётся с вами — с рекламой и в обычном качестве.`, "Вернуть Premium можно в любой момент."],
        action: { label: "Вернуть Premium", path: "/app/premium" },
        push: { title: "Premium закончился", body: "Вернуть его можно в любой момент." },
      };
    }
    case "artist-application-approved":
      return {
        subject: `Заявка одобрена: вы — «${template.data.artistName}» в TUNEC`,
        paragraphs: [
          `Ваша заявка на профиль артиста «${template.data.artistName}» одобрена.`,
          "Загружайте треки и собирайте релизы в студии артиста: войдите заново, чтобы она открылась.",
        ],
        action: { label: "Открыть студию", path: "/app/studio" },
        push: { title: "Заявка одобрена", body: `Профиль «${template.data.artistName}» ваш: загружайте треки.` },
      };
    case "artist-application-rejected":
      return {
        subject: "Заявка артиста не одобрена",
        paragraphs: [
          `К сожалению, заявка на профиль «${template.data.artistName}» не одобрена.`,
          ...(template.data.reason ? [`Причина: ${template.data.reason}`] : []),
          "Вы можете подать новую заявку.",
        ],
        action: { label: "Подать заявку снова", path: "/app/studio/apply" },
        push: { title: "Заявка не одобрена", body: template.data.reason ?? "Вы можете подать новую заявку." },
      };
    case "artist-manager-added":
      return {
        subject: `Вы управляете профилем «${template.data.artistName}» в TUNEC`,
        paragraphs: [
          `Администратор добавил вас к профилю артиста «${template.data.artistName}».`,
          "Теперь вы можете загружать треки и управлять релизами: войдите заново, чтобы открылась студия.",
        ],
        action: { label: "Открыть студию", path: "/app/studio" },
        push: { title: "Новый профиль артиста", body: `Вы управляете профилем «${template.data.artistName}».` },
      };
  }
};

const en = (template: NotificationTemplate): Omit<Message, "greeting" | "signature"> => {
  switch (template.name) {
    case "subscription-activated": {
      const until = formatDate(template.data.periodEnd, "en");
      return {
        subject: "Welcome to TUNEC Premium",
        paragraphs: [
          `Thank you for your ${planNames.en[template.data.plan]} subscription! TUNEC Premium is yours until ${until}.`,
          "Ad-free, high-quality listening is on for all your devices: sign in again or give it a few minutes.",
        ],
        action: { label: "Manage subscription", path: "/app/account/subscription" },
        push: { title: "TUNEC Premium is on", body: `Ad-free and in high quality until ${until}.` },
      };
    }
    case "subscription-renewed": {
      const until = formatDate(template.data.periodEnd, "en");
      return {
        subject: "Your TUNEC Premium subscription was renewed",
        paragraphs: [`Payment received: your ${planNames.en[template.data.plan]} subscription now runs until ${until}.`],
        action: { label: "Manage subscription", path: "/app/account/subscription" },
        push: { title: "Subscription renewed", body: `TUNEC Premium runs until ${until}.` },
      };
    }
    case "subscription-failed": {
      const why = {
        payment_failed: "the payment did not go through",
        payment_timeout: "the payment was not confirmed in time",
        activation_failed: "we could not switch your subscription on",
      }[template.data.reason.code];
      const refund =
        template.data.compensation === "refund_requested" ? ["Your money will be returned to the way you paid: the refund has been requested."] : [];
      return {
        subject: "We could not start your TUNEC Premium",
        paragraphs: [`Sorry: ${why}, so Premium is not on.`, ...refund, "Please try again or choose another way to pay."],
        action: { label: "Try again", path: "/app/premium" },
        push: { title: "Premium is not on", body: `Sorry: ${why}.` },
      };
    }
    case "subscription-expired": {
      const why = {
        not_renewed: "it was not renewed",
        cancelled: "it was cancelled",
        refunded: "the payment was refunded",
      }[template.data.reason];
      return {
        subject: "Your TUNEC Premium has ended",
        paragraphs: [`Premium has ended: ${why}. Your music stays with you, with ads and in standard quality.`, "You can bring Premium back at any time."],
        action: { label: "Get Premium again", path: "/app/premium" },
        push: { title: "Premium has ended", body: "You can bring it back at any time." },
      };
    }
    case "artist-application-approved":
      return {
        subject: `Application approved: you are "${template.data.artistName}" on TUNEC`,
        paragraphs: [
          `Your application for the artist profile "${template.data.artistName}" was approved.`,
          "Upload tracks and build releases in the artist studio: sign in again to see it.",
        ],
        action: { label: "Open the studio", path: "/app/studio" },
        push: { title: "Application approved", body: `"${template.data.artistName}" is yours: upload your tracks.` },
      };
    case "artist-application-rejected":
      return {
        subject: "Your artist application was not approved",
        paragraphs: [
          `Sorry: the application for "${template.data.artistName}" was not approved.`,
          ...(template.data.reason ? [`Reason: ${template.data.reason}`] : []),
          "You can apply again.",
        ],
        action: { label: "Apply again", path: "/app/studio/apply" },
        push: { title: "Application not approved", body: template.data.reason ?? "You can apply again." },
      };
    case "artist-manager-added":
      return {
        subject: `You now manage "${template.data.artistName}" on TUNEC`,
        paragraphs: [
          `An administrator added you to the artist profile "${template.data.artistName}".`,
          "You can now upload tracks and manage releases: sign in again to see the studio.",
        ],
        action: { label: "Open the studio", path: "/app/studio" },
        push: { title: "New artist profile", body: `You manage "${template.data.artistName}".` },
      };
  }
};

export function messageFor(template: NotificationTemplate, locale: Locale, recipient: Recipient): Message {
  const name = recipient.displayName?.trim() || null;
  if (locale === "en") return { ...en(template), greeting: name ? `Hello, ${name}!` : "Hello!", signature: "The TUNEC team" };
  return { ...ru(template), greeting: name ? `Здравствуйте, ${name}!` : "Здравствуйте!", signature: "Команда TUNEC" };
}

/** users.profiles.locale is a BCP 47 tag ("en", "en-GB", "ru-RU"); anything not English gets Russian. */
export function localeOf(tag: string | null | undefined): Locale {
  return tag && /^en(-|$)/i.test(tag) ? "en" : "ru";
}
