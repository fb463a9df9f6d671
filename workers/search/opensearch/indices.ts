/**
 * The OpenSearch indices of the search read model: one per kind, behind an
 * alias (`<prefix>-tracks`, …) that always names the live version; a reindex
 * builds `<prefix>-tracks-<stamp>` and swaps the alias in one atomic call.
 *
 * Every name is indexed in three forms, as in PostgreSQL (migrations/0020):
 *   * the original words, stemmed in Russian and (sub-field `en`) English;
 *   * the Latin search form (title_latin, names_latin: the project's own
 *     transliteration, search.search_key, computed in SQL at index time), so
 *     Cyrillic and Latin queries meet; the query's form comes from latin.ts;
 *   * edge n-grams of the search form (sub-field `prefix`) for prefixes.
 * Typos are fuzzy matches on the search form; `raw` is the whole form for
 * exact-title matches; names_sound holds the loose skeletons of sound.ts
 * (names spelt by ear: Битлз, Tchaikovsky), computed when shipping.
 */
export type IndexKind = "tracks" | "albums" | "artists";
export const indexKinds: readonly IndexKind[] = ["tracks", "albums", "artists"];

export function aliasName(prefix: string, kind: IndexKind): string {
  return `${prefix}-${kind}`;
}

const analysis = {
  filter: {
    search_form_prefix: { type: "edge_ngram", min_gram: 1, max_gram: 20 },
  },
  analyzer: {
    // The search form is already lower-case ASCII words: split on spaces only.
    search_form: { type: "custom", tokenizer: "whitespace", filter: ["lowercase"] },
    search_form_prefix: { type: "custom", tokenizer: "whitespace", filter: ["lowercase", "search_form_prefix"] },
  },
} as const;

const words = { type: "text", analyzer: "russian", fields: { en: { type: "text", analyzer: "english" } } } as const;
const searchForm = {
  type: "text",
  analyzer: "search_form",
  fields: {
    prefix: { type: "text", analyzer: "search_form_prefix", search_analyzer: "search_form" },
    raw: { type: "keyword", ignore_above: 512 },
  },
} as const;
const stored = (type: "keyword" | "long" | "integer" | "boolean" | "date") => ({ type, index: false, doc_values: false });

const properties: Record<IndexKind, Record<string, unknown>> = {
  tracks: {
    id: { type: "keyword" },
    visible: { type: "boolean" },
    explicit: { type: "boolean" },
    popularity: { type: "double" },
    title: words,
    names: words,
    title_latin: searchForm,
    names_latin: searchForm,
    names_sound: { type: "text", analyzer: "search_form" },
    artist_ids: { type: "keyword" },
    artist_names: stored("keyword"),
    album_id: { type: "keyword" },
    album_title: stored("keyword"),
    cover_key: stored("keyword"),
    duration_ms: stored("integer"),
    genres: { type: "keyword" },
    language: { type: "keyword" },
  },
  albums: {
    id: { type: "keyword" },
    track_count: { type: "integer" },
    popularity: { type: "double" },
    title: words,
    names: words,
    title_latin: searchForm,
    names_latin: searchForm,
    names_sound: { type: "text", analyzer: "search_form" },
    artist_id: { type: "keyword" },
    artist_name: stored("keyword"),
    kind: { type: "keyword" },
    release_date: stored("keyword"),
    cover_key: stored("keyword"),
  },
  artists: {
    id: { type: "keyword" },
    track_count: { type: "integer" },
    popularity: { type: "double" },
    title: words,
    names: words,
    title_latin: searchForm,
    names_latin: searchForm,
    names_sound: { type: "text", analyzer: "search_form" },
    name: stored("keyword"),
    image_key: stored("keyword"),
  },
};

/** The body of PUT /<index>: one shard (the read model is small next to the catalog; add replicas per deployment). */
export function indexDefinition(kind: IndexKind, options: { replicas?: number; refreshInterval?: string } = {}): Record<string, unknown> {
  return {
    settings: {
      index: { number_of_shards: 1, number_of_replicas: options.replicas ?? 0, refresh_interval: options.refreshInterval ?? "1s" },
      analysis,
    },
    mappings: { dynamic: "strict", properties: properties[kind] },
  };
}
