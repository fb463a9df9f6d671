/** The catalogue as the models see it: dense track indices with their metadata. */

export interface CatalogArrays {
  n: number;
  /** Main artist index per track. */
  artist: Int32Array;
  nArtists: number;
  /** Genres per track: genreIndex[genreOffsets[t] .. genreOffsets[t+1]). */
  genreOffsets: Int32Array;
  genreIndex: Int32Array;
  genreNames: string[];
  /** Language index per track, −1 when unknown. */
  language: Int32Array;
  languageNames: string[];
  /** Integrated loudness (LUFS) of the source, NaN when not measured. */
  loudness: Float32Array;
  /** 1 when the track may be recommended (published, not taken down). */
  eligible: Uint8Array;
}

export function genresOf(catalog: CatalogArrays, track: number): Int32Array {
  return catalog.genreIndex.subarray(catalog.genreOffsets[track] ?? 0, catalog.genreOffsets[track + 1] ?? 0);
}

/** Builds the arrays from per-track records (genre and language names are interned in first-seen order). */
export function catalogFromRecords(
  records: ReadonlyArray<{ artist: number; genres: readonly string[]; language: string | null; loudness: number | null; eligible: boolean }>,
  nArtists: number,
): CatalogArrays {
  const genreIds = new Map<string, number>();
  const languageIds = new Map<string, number>();
  const offsets = new Int32Array(records.length + 1);
  const index: number[] = [];
  const artist = new Int32Array(records.length);
  const language = new Int32Array(records.length);
  const loudness = new Float32Array(records.length);
  const eligible = new Uint8Array(records.length);
  records.forEach((r, t) => {
    artist[t] = r.artist;
    for (const g of r.genres) {
      let id = genreIds.get(g);
      if (id === undefined) {
        id = genreIds.size;
        genreIds.set(g, id);
      }
      index.push(id);
    }
    offsets[t + 1] = index.length;
    if (r.language === null) language[t] = -1;
    else {
      let id = languageIds.get(r.language);
      if (id === undefined) {
        id = languageIds.size;
        languageIds.set(r.language, id);
      }
      language[t] = id;
    }
    loudness[t] = r.loudness ?? Number.NaN;
    eligible[t] = r.eligible ? 1 : 0;
  });
  return {
    n: records.length,
    artist,
    nArtists,
    genreOffsets: offsets,
    genreIndex: Int32Array.from(index),
    genreNames: [...genreIds.keys()],
    language,
    languageNames: [...languageIds.keys()],
    loudness,
    eligible,
  };
}
