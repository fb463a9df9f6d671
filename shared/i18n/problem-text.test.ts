import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { provideDataFiles } from "../data-files.ts";
import { diskDataFiles } from "../data-files-disk.ts";
import { errorCodes, type ProblemDetails } from "../errors.ts";
import { catalogueKeys, loadRussianCatalogue, localizeProblem, problemCatalogueSchema, problemLanguage, russianCatalogueLoaded } from "./problem-text.ts";

const shippedCatalogue = problemCatalogueSchema.parse(JSON.parse(readFileSync(new URL("./problem-text.ru.json", import.meta.url), "utf8")));

const problem = (code: ProblemDetails["code"], detail?: string, errors?: ProblemDetails["errors"]): ProblemDetails => ({
  type: `https://tunec.dev/problems/${code.toLowerCase()}`,
  title: "English title",
  status: 400,
  code,
  ...(detail ? { detail } : {}),
  ...(errors ? { errors } : {}),
});

describe("problemLanguage", () => {
  it.each([
    [undefined, "en"],
    ["", "en"],
    ["ru", "ru"],
    ["ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"],
    ["en-US,en;q=0.9,ru;q=0.8", "en"],
    ["de-DE,de;q=0.9,ru;q=0.5", "ru"],
    ["fr", "en"],
    ["ru;q=0", "en"],
    [`ru,${"x".repeat(600)}`, "en"],
  ])("%j → %s", (header, expected) => {
    expect(problemLanguage(header)).toBe(expected);
  });
});

describe("loadRussianCatalogue", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("answers English until the catalogue is read; a failed read is logged and retried a minute later", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const english = problem("INVALID_CREDENTIALS", "The email or the password is incorrect.");
    expect(localizeProblem(english, "ru")).toBe(english);
    const errors: unknown[] = [];
    provideDataFiles(() => Promise.reject(new Error("asset missing")));
    expect(await loadRussianCatalogue((error) => errors.push(error))).toBe(false);
    expect(errors).toHaveLength(1);
    provideDataFiles(diskDataFiles());
    vi.setSystemTime(Date.now() + 30_000);
    expect(await loadRussianCatalogue()).toBe(false);
    expect(russianCatalogueLoaded()).toBe(false);
    vi.setSystemTime(Date.now() + 31_000);
    expect(await loadRussianCatalogue()).toBe(true);
    expect(localizeProblem(english, "ru").title).toBe("Неверные учётные данные");
  });
});

describe("localizeProblem", () => {
  beforeAll(async () => {
    provideDataFiles(diskDataFiles());
    expect(await loadRussianCatalogue()).toBe(true);
  });

  it("leaves English problems untouched", () => {
    const english = problem("NOT_FOUND", "No track has the id 42.");
    expect(localizeProblem(english, "en")).toBe(english);
  });

  it("translates the title, a fixed detail and a detail with values, keeping type and code", () => {
    expect(localizeProblem(problem("INVALID_CREDENTIALS", "The email or the password is incorrect."), "ru")).toMatchObject({
      title: "Неверные учётные данные",
      detail: "Неверная почта или пароль.",
      code: "INVALID_CREDENTIALS",
      type: "https://tunec.dev/problems/invalid_credentials",
    });
    expect(localizeProblem(problem("PLAYLIST_FULL", "A playlist holds at most 10000 tracks; it has 9999 and adding 2 would make 10001."), "ru").detail).toBe(
      "В плейлисте может быть не больше 10000 треков; сейчас 9999, и с 2 новыми стало бы 10001.",
    );
  });

  it("prefers the most specific template over a looser one of the same code", () => {
    expect(localizeProblem(problem("BAD_GATEWAY", "tbank Init: unexpected response"), "ru").detail).toBe("Т-Банк Init: неожиданный ответ");
    expect(localizeProblem(problem("BAD_GATEWAY", "acme: connection reset"), "ru").detail).toBe("acme: connection reset");
  });

  it("keeps a detail the catalogue lacks in English rather than failing", () => {
    expect(localizeProblem(problem("CONFLICT", "Something new happened."), "ru").detail).toBe("Something new happened.");
  });

  it("translates field messages and keeps field names", () => {
    const localized = localizeProblem(
      problem("VALIDATION_FAILED", "Invalid value for body.name.", [
        { field: "body.name", message: "Too small: expected string to have >=3 characters" },
        { field: "body.kind", message: 'Invalid option: expected one of "album"|"single"' },
        { field: "body.other", message: "a message nobody translated" },
      ]),
      "ru",
    );
    expect(localized.errors).toEqual([
      { field: "body.name", message: "Не короче 3 симв." },
      { field: "body.kind", message: 'Допустимые значения: "album"|"single"' },
      { field: "body.other", message: "a message nobody translated" },
    ]);
  });

  it("scans a long detail carrying a stranger's input in linear time (no backtracking)", () => {
    const path = `/${"a: ".repeat(600)}`;
    const localized = localizeProblem(problem("ROUTE_NOT_FOUND", `No route matches GET ${path}.`), "ru");
    expect(localized.detail).toBe(`Нет адреса для GET ${path}.`);
  });
});

/** Every `new AppError("CODE", "…")` and template literal in the source, with `${…}` written as `{n}`. */
function raisedDetails(): { code: string; text: string; file: string }[] {
  const found: { code: string; text: string; file: string }[] = [];
  const call = /new AppError\(\s*"([A-Z_]+)",\s*("(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`)/g;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".ts") && !name.endsWith(".test.ts")) {
        for (const match of readFileSync(path, "utf8").matchAll(call)) {
          found.push({ code: match[1] ?? "", text: templateKey((match[2] ?? "").slice(1, -1)), file: path });
        }
      }
    }
  };
  for (const root of ["workers", "shared", "durable-objects", "origin"]) walk(root);
  return found;
}

function templateKey(literal: string): string {
  let key = "";
  let slot = 0;
  for (let i = 0; i < literal.length; ) {
    if (literal.startsWith("${", i)) {
      let depth = 1;
      let j = i + 2;
      while (depth > 0 && j < literal.length) {
        if (literal[j] === "{") depth++;
        else if (literal[j] === "}") depth--;
        j++;
      }
      key += `{${slot++}}`;
      i = j;
    } else key += literal[i++];
  }
  return key;
}

describe("the Russian catalogue", () => {
  const keys = catalogueKeys(shippedCatalogue);

  it("has a title for every error code and no unknown code", () => {
    expect(keys.titles.sort()).toEqual([...errorCodes].sort());
    for (const code of Object.keys(keys.details)) expect(errorCodes).toContain(code);
  });

  it("translates every detail the code raises (add new ones to problem-text.ru.json)", () => {
    const raised = raisedDetails();
    expect(raised.length).toBeGreaterThan(150);
    const missing = raised
      .filter(({ code, text }) => !keys.details[code]?.includes(text))
      .map(({ code, text, file }) => `${file}: ${code} ${JSON.stringify(text)}`);
    expect(missing).toEqual([]);
  });
});
