/**
 * A Message → the text part, the HTML part and the push payload. Every piece
 * of text goes through `escapeHtml` on its way into HTML, so a display name
 * such as `<script>` or `Tom & Jerry` arrives as written and never as markup.
 */
import type { Locale, Message } from "./messages.ts";

const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => entities[char] ?? char);
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function renderEmail(message: Omit<Message, "push">, locale: Locale, appUrl: string): RenderedEmail {
  const link = new URL(message.action.path, appUrl).href;
  const text = [message.greeting, "", ...message.paragraphs.flatMap((p) => [p, ""]), `${message.action.label}: ${link}`, "", "—", message.signature, ""].join(
    "\n",
  );
  const paragraph = (content: string) => `<p style="margin:0 0 16px;font-size:16px;line-height:24px">${escapeHtml(content)}</p>`;
  const html = [
    "<!doctype html>",
    `<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(message.subject)}</title></head>`,
    '<body style="margin:0;padding:24px;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1b1d21">',
    '<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px">',
    '<div style="font-size:20px;font-weight:bold;margin:0 0 24px">TUNEC</div>',
    paragraph(message.greeting),
    ...message.paragraphs.map(paragraph),
    `<p style="margin:24px 0"><a href="${escapeHtml(link)}" style="display:inline-block;background:#0b6bcb;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px">${escapeHtml(message.action.label)}</a></p>`,
    `<p style="margin:24px 0 0;color:#5f6570;font-size:14px">${escapeHtml(message.signature)}</p>`,
    "</div></body></html>",
  ].join("\n");
  return { subject: message.subject, text, html };
}

/** What the service worker shows: `tag` makes a repeated message replace the shown one instead of stacking. */
export function renderPush(message: Message, appUrl: string, tag: string): { title: string; body: string; url: string; tag: string } {
  return { title: message.push.title, body: message.push.body, url: new URL(message.action.path, appUrl).href, tag };
}
