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
 *   did not contain a renamed or new entity cannot carry its entity tag. Each
 *   query word gives its first three letters, in the search form
 *   (transliterated, latin.ts) and in the sound skeleton (sound.ts); a changed
 *   document gives the 1- to 3-letter prefixes of each of its words in both
 *   forms. So a change drops every page whose query shares a 3-letter start
 *   with one of its words: exact, prefix, stemmed, transliterated and
 *   sound-alike matches. Typos in the first three letters that the skeleton
 *   does not absorb are missed; for them the page's ttl is the bound.
 */
import { searchKey } from "./latin.ts";
import { foldRomanisation, soundKey } from "./sound.ts";

export type SearchEntityKind = "track" | "album" | "artist";

export interface SearchEntities {
  tracks: readonly string[];
  albums: readonly string[];
  artists: readonly string[];
}

const bucketLength = 3;

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
      ...words(key).map((word) => termTag("t", word.slice(0, bucketLength))),
      ...words(soundKey(key)).map((word) => termTag("s", word.slice(0, bucketLength))),
    ]),
  ];
}

/** Term tags a changed document can newly match, from its search form (names_latin: title, credits, album). */
export function documentTermTags(searchForm: string): string[] {
  const key = searchKey(searchForm);
  const tags = new Set<string>();
  const prefixes = (form: "t" | "s", word: string) => {
    for (let length = 1; length <= Math.min(bucketLength, word.length); length += 1) tags.add(termTag(form, word.slice(0, length)));
  };
  for (const word of words(key)) prefixes("t", word);
  for (const word of words(soundKey(key))) prefixes("s", word);
  return [...tags];
}

/** A document as it is after a change: its kind, id and search form ('' for a deleted track). */
export interface ChangedDocument {
  kind: SearchEntityKind;
  id: string;
  searchForm: string;
}

/** The tags a change invalidates: pages showing the documents, and pages of queries the documents can now match. */
export function changeTags(documents: readonly ChangedDocument[]): string[] {
  const tags = new Set<string>();
  for (const document of documents) {
    tags.add(entityTag(document.kind, document.id));
    for (const tag of documentTermTags(document.searchForm)) tags.add(tag);
  }
  return [...tags];
}
