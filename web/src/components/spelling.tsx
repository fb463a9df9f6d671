/**
 * Search forgives typos and the Cyrillic↔Latin divide ("kino" finds «Кино»).
 * A result that does not contain what was typed says so, so the listener sees
 * why it is there.
 */
import { useI18n } from "../i18n/i18n";

const normalise = (text: string) => text.toLocaleLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").replaceAll("ё", "е");

/** Every typed word starts a word of one of the texts. */
export function matchesLiterally(query: string, texts: string[]): boolean {
  const words = normalise(query)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  const haystack = texts
    .map(normalise)
    .join(" ")
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  return words.every((word) => haystack.some((candidate) => candidate.startsWith(word)));
}

export function SimilarSpelling({ query, texts }: { query: string; texts: string[] }) {
  const { t } = useI18n();
  if (!query || matchesLiterally(query, texts)) return null;
  return (
    <span className="similar" title={t("search.similarHint")}>
      ≈ {t("search.similar")}
    </span>
  );
}
