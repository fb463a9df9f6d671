import { describe, expect, it } from "vitest";
import { activated, expired, failed } from "../testing/fixtures.ts";
import { localeOf, messageFor, type Locale, type NotificationTemplate } from "./messages.ts";
import { escapeHtml, renderEmail, renderPush } from "./render.ts";

const userId = "7d3f0d8e-0f5e-4a1b-9d1c-3b0f3f6f9a10";
const templates: NotificationTemplate[] = [
  { name: "subscription-activated", data: { ...activated(userId) } },
  { name: "subscription-renewed", data: { ...activated(userId, { renewal: true }) } },
  { name: "subscription-failed", data: { ...failed(userId) } },
  { name: "subscription-expired", data: { ...expired(userId) } },
  ...(["approved", "rejected"] as const).map((decision) => ({
    name: `artist-application-${decision}` as const,
    data: {
      applicationId: userId,
      userId,
      decision,
      artistId: decision === "approved" ? userId : null,
      artistName: "Kino",
      reason: decision === "rejected" ? "No links to check." : null,
      decidedAt: "2026-01-10T09:00:00.000Z",
    },
  })),
  { name: "artist-manager-added", data: { artistId: userId, artistName: "Kino", userId, addedAt: "2026-01-10T09:00:00.000Z" } },
];

describe("notification templates", () => {
  it("escapes the five HTML-special characters", () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  });

  it.each(["ru", "en"] as Locale[])("every template in %s has a subject, words in the right script, one link, no doubled full stop", (locale) => {
    for (const template of templates) {
      const message = messageFor(template, locale, { displayName: null });
      const email = renderEmail(message, locale, "https://tunec.dev");
      expect(email.subject.length).toBeGreaterThan(5);
      expect(/[а-яё]/i.test(email.text)).toBe(locale === "ru");
      expect(email.text).not.toMatch(/\.\./);
      expect(email.html.match(/<a href="https:\/\/tunec\.dev\/[a-z/]+"/g)).toHaveLength(1);
      const push = renderPush(message, "https://tunec.dev", "tunec-x");
      expect(push.body).not.toMatch(/\.\./);
    }
  });

  it("mentions the refund only when one was requested", () => {
    const refund = messageFor({ name: "subscription-failed", data: failed(userId) }, "ru", { displayName: null });
    const none = messageFor({ name: "subscription-failed", data: { ...failed(userId), compensation: "none" } }, "ru", { displayName: null });
    expect(refund.paragraphs.join(" ")).toContain("возврат уже запрошен");
    expect(none.paragraphs.join(" ")).not.toContain("возврат");
  });

  it("reads English from en tags only; everything else, and no profile, is Russian", () => {
    expect([localeOf("en"), localeOf("en-GB"), localeOf("EN-us"), localeOf("ru-RU"), localeOf("kk"), localeOf(null), localeOf("eng")]).toEqual([
      "en",
      "en",
      "en",
      "ru",
      "ru",
      "ru",
      "ru",
    ]);
  });
});
