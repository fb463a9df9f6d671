/**
 * Why a track was recommended: a stable code and its parameters (clients may
 * localise them themselves) and a short sentence in the request's language.
 */
export const reasonCodes = [
  "liked_similar",
  "played_similar",
  "more_from_artist",
  "chosen_artist",
  "genre_popular",
  "language_popular",
  "popular",
  "explore",
] as const;

export type ReasonCode = (typeof reasonCodes)[number];

export interface Reason {
  code: ReasonCode;
  params: Record<string, string>;
}

export type ReasonLanguage = "en" | "ru";

const texts: Record<ReasonLanguage, Record<ReasonCode, (params: Record<string, string>) => string>> = {
  en: {
    liked_similar: (p) => `Because you liked ${p.track ?? ""}`,
    played_similar: (p) => `Because you listened to ${p.track ?? ""}`,
    more_from_artist: (p) => `More from ${p.artist ?? ""}`,
    chosen_artist: (p) => `Because you chose ${p.artist ?? ""}`,
    genre_popular: (p) => `Popular in ${p.genre ?? ""}`,
    language_popular: (p) => `Popular in your language (${p.language ?? ""})`,
    popular: () => "Popular now",
    explore: (p) => (p.genre ? `Something new: popular in ${p.genre}` : "Something new"),
  },
  ru: {
    liked_similar: (p) => `Потому что вам понравился трек «${p.track ?? ""}»`,
    played_similar: (p) => `Потому что вы слушали «${p.track ?? ""}»`,
    more_from_artist: (p) => `Ещё от ${p.artist ?? ""}`,
    chosen_artist: (p) => `Потому что вы выбрали ${p.artist ?? ""}`,
    genre_popular: (p) => `Популярное в жанре ${p.genre ?? ""}`,
    language_popular: (p) => `Популярное на вашем языке (${p.language ?? ""})`,
    popular: () => "Популярное сейчас",
    explore: (p) => (p.genre ? `Что-то новое: популярное в жанре ${p.genre}` : "Что-то новое"),
  },
};

export function reasonText(reason: Reason, language: ReasonLanguage): string {
  return texts[language][reason.code](reason.params);
}
