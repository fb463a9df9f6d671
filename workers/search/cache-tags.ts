/**
 * Which cached search pages a catalog change can make wrong, as cache tags
 * (shared/cache/tags.ts). Shared by the edge (tags a page when it stores it)
 * and the indexer (invalidates the tags of what it changed), so both compute
 * them alike.
 *
 * Two kinds of tags on a page:
 * - entity tags, one per track, album or artist the page lists: a change to
 *   any of them (rename, takedown, delete, new cover, counts) drops exactly
 *   the pages that show it. Renaming an artist or album rebuilds the
 *   documents of its tracks (and an artist's albums), so their tags cover the
 *   names a page shows beside its own entities;
 * - term tags, for what a change can newly match: the page of a query that
 *   did not contain a renamed or new entity cannot carry its entity tag. A
 *   query is tagged with each of its words in the search form (transliterated,
 *   latin.ts), and with the sound skeleton (sound.ts) of each word whose
 *   skeleton has at least three consonants (shorter ones collide with half
 *   the catalog). A changed document gives every prefix of each of its words
 *   (a query word may be a prefix being typed) and each skeleton. So a change
 *   drops the pages whose query has one of its words, a prefix of one, or a
 *   word that sounds like one: exact, prefix, transliterated and sound-alike
 *   matches. Stems ("gruppy" for "gruppa") and typos are missed; for them the
 *   page's ttl is the bound (docs/search-opensearch.md weighs this).
 */
import { searchKey } from "./latin.ts";
import { foldRomanisation, soundKey } from "./sound.ts";

export type SearchEntityKind = "track" | "album" | "artist";

export interface SearchEntities {
  tracks: readonly string[];
  albums: readonly string[];
  artists: readonly string[];
}

/** Skeletons shorter than this are not tags: "kn" (kino, kina, kone…) would drop pages on any change. */
const minSoundLength = 3;
/** Longer words are cut here on both sides (the edge n-grams stop at 20 too). */
const maxWordLength = 20;

export const entityTag = (kind: SearchEntityKind, id: string): string => `search:tag:${kind}:${id}`;
const termTag = (form: "t" | "s", bucket: string): string => `search:tag:${form}:${bucket}`;

/** The tags of the entities a page shows. */
export function entityTags(entities: SearchEntities): string[] {
  return [
    ...new Set([
      ...entities.tracks.map((id) => entityTag("track", id)),
      ...entities.albums.map((id) => entityTag("album", id)),
      ...entities.artists.map((id) => entityTag("artist", id)),
    ]),
  ];
}

const words = (text: string): string[] => text.split(" ").filter((word) => word !== "");

/** Term tags of a query, normalised as the engines normalise it. */
export function queryTermTags(q: string): string[] {
  const key = searchKey(foldRomanisation(q));
  return [
    ...new Set([
      ...words(key).map((word) => termTag("t", word.slice(0, maxWordLength))),
      ...words(soundKey(key))
        .filter((word) => word.length >= minSoundLength)
        .map((word) => termTag("s", word.slice(0, maxWordLength))),
    ]),
  ];
}

/** Term tags a changed document can newly match, from its search form (names_latin: title, credits, album). */
export function documentTermTags(searchForm: string): string[] {
  const key = searchKey(searchForm);
  const tags = new Set<string>();
  for (const word of words(key)) {
    for (let length = 1; length <= Math.min(maxWordLength, word.length); length += 1) tags.add(termTag("t", word.slice(0, length)));
  }
  for (const word of words(soundKey(key))) if (word.length >= minSoundLength) tags.add(termTag("s", word.slice(0, maxWordLength)));
  return [...tags];
}

/**
 * A document after a change: its kind, id and search form ('' when it matches
 * nothing: a deleted or hidden track, an artist or album without visible
 * tracks), and the form it matched by before the change when known ('' when
 * it matched nothing then; undefined when unknown: every word counts as new).
 */
export interface ChangedDocument {
  kind: SearchEntityKind;
  id: string;
  searchForm: string;
  previousForm?: string | undefined;
}

/**
 * The tags a change invalidates: the pages showing the documents, and the
 * pages of queries the documents can newly match. Only words a document did
 * not have before count: with the same words it matched the same queries
 * before, and a page that did not list it then is not made wrong by, say, a
 * new cover (a re-ranking waits for the ttl). A document that becomes visible
 * has only new words.
 */
export function changeTags(documents: readonly ChangedDocument[]): string[] {
  const tags = new Set<string>();
  for (const document of documents) {
    tags.add(entityTag(document.kind, document.id));
    const before = new Set(document.previousForm === undefined ? [] : documentTermTags(document.previousForm));
    for (const tag of documentTermTags(document.searchForm)) if (!before.has(tag)) tags.add(tag);
  }
  return [...tags];
}
