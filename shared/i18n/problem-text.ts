/**
 * Problem details in the caller's language. Handlers raise `AppError`s with an
 * English detail; the gateway's one problem mapper translates the title, the
 * detail and field messages here, from the catalogue in problem-text.ru.json
 * (data, not code: a translator edits it without touching TypeScript).
 * The catalogue is not in the Worker's script: it is read on the first request
 * that asks for Russian (`loadRussianCatalogue`, shared/data-files.ts); until
 * it is there, or if it cannot be read, problems stay English.
 *
 * Catalogue keys are the English texts with `{0}`, `{1}`… where the source
 * interpolates a value. Matching is a left-to-right literal scan, not a regular
 * expression, so a detail that carries a stranger's input (a path, an id)
 * costs linear time and cannot backtrack. A text the catalogue lacks stays
 * English: a missing translation degrades, it never fails the request.
 */
import { z } from "zod";
import { readDataFile } from "../data-files.ts";
import type { FieldError, ProblemDetails } from "../errors.ts";

export type ProblemLanguage = "en" | "ru";

/** Longer details are left alone: no translation is worth scanning a huge string. */
const maxTranslatedLength = 2_000;
/** A header longer than this is not a browser's; the default language applies. */
const maxAcceptLanguageLength = 500;

/**
 * Picks `ru` or `en` from an Accept-Language header by quality value (RFC 9110
 * §12.5.4), English when neither is asked for: English is the API's own language.
 */
export function problemLanguage(acceptLanguage: string | null | undefined): ProblemLanguage {
  if (!acceptLanguage || acceptLanguage.length > maxAcceptLanguageLength) return "en";
  let best: ProblemLanguage = "en";
  let bestQuality = 0;
  for (const entry of acceptLanguage.split(",", 20)) {
    const [tag = "", ...params] = entry.trim().toLowerCase().split(";");
    const primary = tag.split("-", 1)[0];
    if (primary !== "ru" && primary !== "en") continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const quality = qParam ? Number(qParam.slice(2)) : 1;
    if (Number.isFinite(quality) && quality > bestQuality) {
      best = primary;
      bestQuality = quality;
    }
  }
  return best;
}

interface Template {
  /** The English text split at its placeholders: always one more literal than placeholders. */
  literals: string[];
  /** Placeholder numbers in the order they appear in the English text. */
  slots: number[];
  translation: string;
}

function compile(english: string, translation: string): Template {
  const pieces = english.split(/\{(\d)\}/);
  const literals: string[] = [];
  const slots: number[] = [];
  pieces.forEach((piece, index) => (index % 2 === 0 ? literals.push(piece) : slots.push(Number(piece))));
  return { literals, slots, translation };
}

/** Most specific first: a template with more fixed text wins over a looser one such as `{0}: {1}`. */
function byFixedTextLength(a: Template, b: Template): number {
  return b.literals.join("").length - a.literals.join("").length;
}

function matchTemplate(template: Template, text: string): string[] | null {
  const { literals } = template;
  const first = literals[0] ?? "";
  const last = literals[literals.length - 1] ?? "";
  if (literals.length === 1) return text === first ? [] : null;
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return null;
  const end = text.length - last.length;
  const values: string[] = [];
  let at = first.length;
  for (let i = 1; i < literals.length - 1; i++) {
    const literal = literals[i] ?? "";
    const found = text.indexOf(literal, at);
    if (found < 0 || found + literal.length > end) return null;
    values.push(text.slice(at, found));
    at = found + literal.length;
  }
  if (at > end) return null;
  values.push(text.slice(at, end));
  return values;
}

function fill(template: Template, values: string[]): string {
  return template.translation.replace(/\{(\d)\}/g, (whole, digit: string) => {
    const index = template.slots.indexOf(Number(digit));
    return index >= 0 ? (values[index] ?? "") : whole;
  });
}

class Translations {
  private readonly exact = new Map<string, string>();
  private readonly templates: Template[] = [];

  constructor(entries: Record<string, string>) {
    for (const [english, translation] of Object.entries(entries)) {
      if (/\{\d\}/.test(english)) this.templates.push(compile(english, translation));
      else this.exact.set(english, translation);
    }
    this.templates.sort(byFixedTextLength);
  }

  translate(text: string): string | undefined {
    const exact = this.exact.get(text);
    if (exact !== undefined || text.length > maxTranslatedLength) return exact;
    for (const template of this.templates) {
      const values = matchTemplate(template, text);
      if (values) return fill(template, values);
    }
    return undefined;
  }
}

/** problem-text.ru.json: English text → Russian, titles by code, details by code, field messages. */
export const problemCatalogueSchema = z.object({
  titles: z.record(z.string(), z.string()),
  details: z.record(z.string(), z.record(z.string(), z.string())),
  fields: z.record(z.string(), z.string()),
});
export type ProblemCatalogue = z.infer<typeof problemCatalogueSchema>;

interface CompiledCatalogue {
  titles: Map<string, string>;
  details: Map<string, Translations>;
  fields: Translations;
}

// A deliberate isolate cache: the compiled catalogue, read-only once built.
let russian: CompiledCatalogue | undefined;
let loading: Promise<boolean> | undefined;
/** After a failed read, English for this long before the next try: a missing asset must not cost every request a subrequest. */
const retryAfterFailureMs = 60_000;
let failedAt = Number.NEGATIVE_INFINITY;

/** Installs a catalogue (validated), replacing any loaded one. */
export function useRussianCatalogue(catalogue: unknown): void {
  const parsed = problemCatalogueSchema.parse(catalogue);
  russian = {
    titles: new Map(Object.entries(parsed.titles)),
    details: new Map(Object.entries(parsed.details).map(([code, entries]) => [code, new Translations(entries)])),
    fields: new Translations(parsed.fields),
  };
}

/**
 * Reads the catalogue once per isolate, on the first request that prefers
 * Russian (most isolates never answer one). Resolves false when it cannot be
 * read: the caller answers in English and logs `error`.
 */
export function loadRussianCatalogue(onError?: (error: unknown) => void): Promise<boolean> {
  if (russian) return Promise.resolve(true);
  if (Date.now() - failedAt < retryAfterFailureMs) return Promise.resolve(false);
  loading ??= readDataFile("problem-text.ru.json")
    .then((text) => {
      useRussianCatalogue(JSON.parse(text));
      return true;
    })
    .catch((error: unknown) => {
      failedAt = Date.now();
      onError?.(error);
      return false;
    })
    .finally(() => {
      loading = undefined;
    });
  return loading;
}

/** Whether Russian problems can be answered now (the catalogue is loaded). */
export function russianCatalogueLoaded(): boolean {
  return russian !== undefined;
}

/** The catalogue's English keys per code, for the test that every raised detail has a translation. */
export function catalogueKeys(catalogue: ProblemCatalogue): { titles: string[]; details: Record<string, string[]>; fields: string[] } {
  return {
    titles: Object.keys(catalogue.titles),
    details: Object.fromEntries(Object.entries(catalogue.details).map(([code, entries]) => [code, Object.keys(entries)])),
    fields: Object.keys(catalogue.fields),
  };
}

/**
 * The problem with its human-readable parts in `language`; `type`, `code` and
 * field names never change. English while the Russian catalogue is not loaded.
 */
export function localizeProblem(problem: ProblemDetails, language: ProblemLanguage): ProblemDetails {
  if (language === "en" || !russian) return problem;
  const { titles, details, fields } = russian;
  const localized: ProblemDetails = { ...problem, title: titles.get(problem.code) ?? problem.title };
  if (problem.detail) localized.detail = details.get(problem.code)?.translate(problem.detail) ?? problem.detail;
  if (problem.errors) {
    localized.errors = problem.errors.map((error): FieldError => ({ field: error.field, message: fields.translate(error.message) ?? error.message }));
  }
  return localized;
}
