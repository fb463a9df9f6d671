/**
 * The listener's language for ad targeting, as an ISO 639 code: the profile's
 * locale when the users context has one, else the client's Accept-Language.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";

/** BCP 47 tag → its primary language subtag (`ru-RU` → `ru`); null for `*`, `i-klingon` and the like. */
export function primaryLanguage(tag: string | null | undefined): string | null {
  const primary = tag?.trim().split(/[-_]/)[0]?.toLowerCase();
  return primary && /^[a-z]{2,3}$/.test(primary) ? primary : null;
}

/**
 * The most preferred language of an Accept-Language header (RFC 9110 §12.5.4).
 * @example acceptLanguage("en;q=0.5, ru-RU") // "ru"
 */
export function acceptLanguage(header: string | undefined): string | null {
  if (!header) return null;
  let best: { language: string; q: number } | null = null;
  for (const part of header.split(",").slice(0, 20)) {
    const [tag, ...params] = part.split(";");
    const language = primaryLanguage(tag);
    if (!language) continue;
    const qParam = params.map((param) => param.trim()).find((param) => param.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    // Ties keep the first listed, as the header's order expresses preference too.
    if (!best || q > best.q) best = { language, q };
  }
  return best?.language ?? null;
}

export async function listenerLanguage(db: Kysely<Database>, userId: string, acceptLanguageHeader: string | undefined): Promise<string | null> {
  const profile = await db.selectFrom("users.profiles").select("locale").where("user_id", "=", userId).executeTakeFirst();
  return primaryLanguage(profile?.locale) ?? acceptLanguage(acceptLanguageHeader);
}
