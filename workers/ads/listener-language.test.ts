import { describe, expect, it } from "vitest";
import { acceptLanguage, primaryLanguage } from "./listener-language.ts";

describe("listener language", () => {
  it("takes the primary subtag of a locale", () => {
    expect(primaryLanguage("ru-RU")).toBe("ru");
    expect(primaryLanguage("EN_gb")).toBe("en");
    expect(primaryLanguage("tt")).toBe("tt");
    expect(primaryLanguage("*")).toBeNull();
    expect(primaryLanguage("i-klingon")).toBeNull();
    expect(primaryLanguage(null)).toBeNull();
  });

  it("picks the most preferred Accept-Language, the first listed on a tie", () => {
    expect(acceptLanguage("en;q=0.5, ru-RU")).toBe("ru");
    expect(acceptLanguage("de-DE, fr;q=0.9, en;q=0.8")).toBe("de");
    expect(acceptLanguage("ru, en")).toBe("ru");
    expect(acceptLanguage("*, en;q=0.1")).toBe("en");
    expect(acceptLanguage("en;q=0, kk")).toBe("kk");
    expect(acceptLanguage("en;q=abc")).toBeNull();
    expect(acceptLanguage("")).toBeNull();
    expect(acceptLanguage(undefined)).toBeNull();
  });
});
