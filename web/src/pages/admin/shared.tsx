/**
 * Pieces every console tab uses: dates in the viewer's language, comma lists,
 * an indeterminate progress bar for actions that take a while, and an artist
 * finder (search answers from the index, so a profile created a moment ago is
 * also offered from the console's own memory of this session).
 */
import { useQuery } from "@tanstack/react-query";
import { createContext, useContext, useState, type ReactNode } from "react";
import { api, unwrap, type Schemas } from "../../api/client";
import { useI18n } from "../../i18n/i18n";

export type SearchItem = Schemas["SearchResults"]["items"][number];
export type ArtistHit = Extract<SearchItem, { name: string }>;
export type AlbumHit = Extract<SearchItem, { kind: string }>;
export type TrackHit = Exclude<SearchItem, ArtistHit | AlbumHit>;

export const isArtistHit = (item: SearchItem): item is ArtistHit => "name" in item;
export const isAlbumHit = (item: SearchItem): item is AlbumHit => "kind" in item;
export const isTrackHit = (item: SearchItem): item is TrackHit => !("name" in item) && !("kind" in item);

/** A date and time as the viewer reads them; empty for a missing value. */
export function useDateTime(): (iso: string | null | undefined) => string {
  const { locale } = useI18n();
  return (iso) => (iso ? new Date(iso).toLocaleString(locale === "ru" ? "ru-RU" : "en-GB", { dateStyle: "short", timeStyle: "short" }) : "");
}

/** "rock, post-punk" → ["rock", "post-punk"]: how genres and languages are typed in one field. */
export function splitList(text: string): string[] {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

export function sameList(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((value, index) => value === right[index]);
}

/** Minor units per major unit: kopecks for RUB, millionths for USDT (as the billing API counts them). */
const minorUnits: Record<string, number> = { RUB: 100, USDT: 1_000_000 };

/** Money in the API's integer minor units, shown in major units. */
export function formatMoney(amountMinor: number, currency: string, locale: string): string {
  const major = amountMinor / (minorUnits[currency] ?? 100);
  try {
    return new Intl.NumberFormat(locale === "ru" ? "ru-RU" : "en-GB", { style: "currency", currency, maximumFractionDigits: 6 }).format(major);
  } catch {
    // USDT is no ISO 4217 currency: Intl refuses it.
    return `${major.toLocaleString(locale === "ru" ? "ru-RU" : "en-GB", { maximumFractionDigits: 6 })} ${currency}`;
  }
}

/** An action under way: an indeterminate bar that screen readers announce by its label. */
export function Busy({ label }: { label: string }) {
  return (
    <span className="console-busy" role="status">
      <progress aria-label={label} />
      <span>{label}</span>
    </span>
  );
}

/** Search of one kind, as the listener search answers it (typos and transliteration included). */
export function useCatalogSearch(type: "track" | "album" | "artist", query: string) {
  const trimmed = query.trim();
  return useQuery({
    queryKey: ["admin", "search", type, trimmed],
    enabled: trimmed.length > 0,
    queryFn: async () => unwrap(await api.GET("/search", { params: { query: { q: trimmed, type, limit: 10 } } })).items,
  });
}

export interface KnownArtist {
  id: string;
  name: string;
}

interface RecentArtists {
  recent: KnownArtist[];
  remember(artist: KnownArtist): void;
}

const RecentArtistsContext = createContext<RecentArtists>({ recent: [], remember: () => undefined });

/** Artists created or opened in this console session: offered before search has indexed them. */
export function RecentArtistsProvider({ children }: { children: ReactNode }) {
  const [recent, setRecent] = useState<KnownArtist[]>([]);
  const remember = (artist: KnownArtist) => setRecent((list) => [artist, ...list.filter((item) => item.id !== artist.id)].slice(0, 8));
  return <RecentArtistsContext.Provider value={{ recent, remember }}>{children}</RecentArtistsContext.Provider>;
}

export function useRecentArtists(): RecentArtists {
  return useContext(RecentArtistsContext);
}

/**
 * Find an artist by name (search) or among the recent ones, and pick it. Each
 * choice is a button named "<action>: <artist>", so a screen reader (and a
 * test) knows what the click does.
 */
export function ArtistPicker({
  label,
  action,
  onPick,
  exclude = [],
}: {
  label: string;
  action: string;
  onPick: (artist: KnownArtist) => void;
  exclude?: readonly string[];
}) {
  const { t } = useI18n();
  const [query, setQuery] = useState("");
  const { recent } = useRecentArtists();
  const found = useCatalogSearch("artist", query);
  const hits: KnownArtist[] = (found.data ?? []).filter(isArtistHit).map((item) => ({ id: item.id, name: item.name }));
  const needle = query.trim().toLowerCase();
  const recentMatches = needle ? recent.filter((artist) => artist.name.toLowerCase().includes(needle) && !hits.some((hit) => hit.id === artist.id)) : [];
  const choices = [...recentMatches, ...hits].filter((artist) => !exclude.includes(artist.id));
  return (
    <div className="console-picker">
      <input type="search" aria-label={label} placeholder={label} value={query} onChange={(event) => setQuery(event.target.value)} />
      {found.isFetching ? <Busy label={t("console.searching")} /> : null}
      {needle && !found.isFetching && choices.length === 0 ? <p className="muted">{t("console.nothingFound")}</p> : null}
      {choices.length > 0 ? (
        <ul className="console-choices" aria-label={`${label}: ${t("console.results")}`}>
          {choices.map((artist) => (
            <li key={artist.id}>
              <button
                type="button"
                aria-label={`${action}: ${artist.name}`}
                onClick={() => {
                  onPick(artist);
                  setQuery("");
                }}
              >
                {artist.name} <span className="muted console-id">{artist.id.slice(0, 8)}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** A labelled value in a definition list. */
export function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </>
  );
}

/**
 * A table that may be wider than a phone scrolls sideways on its own; the
 * region takes keyboard focus so it can be scrolled without a pointer.
 */
export function ScrollArea({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="console-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
