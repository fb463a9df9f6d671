import { describe, expect, it } from "vitest";
import { documentTermTags, entityTags, queryTermTags } from "./cache-tags.ts";

const meets = (query: string, document: string) => queryTermTags(query).some((tag) => documentTermTags(document).includes(tag));

describe("search cache tags", () => {
  it("tags a page with every entity it shows, once", () => {
    expect(entityTags({ tracks: ["t1"], albums: ["a1"], artists: ["r1", "r1"] })).toEqual([
      "search:tag:track:t1",
      "search:tag:album:a1",
      "search:tag:artist:r1",
    ]);
  });

  it("lets a changed document reach the queries it can newly match", () => {
    // names_latin forms, as the read model stores them.
    expect(meets("Группа крови", "gruppa krovi kino")).toBe(true);
    expect(meets("gruppy", "gruppa krovi kino")).toBe(true); // a stem
    expect(meets("ki", "gruppa krovi kino")).toBe(true); // a prefix shorter than a bucket
    expect(meets("kinoteatr", "gruppa krovi kino")).toBe(true); // a longer word sharing the start
    expect(meets("Битлз", "yesterday the beatles")).toBe(true); // by sound
    expect(meets("Čajkovskij", "shchelkunchik chaykovskiy")).toBe(true); // folded romanisation
    expect(meets("Tchaikovsky", "shchelkunchik chaykovskiy")).toBe(true);
  });

  it("leaves unrelated queries alone", () => {
    expect(meets("Аквариум", "gruppa krovi kino")).toBe(false);
    expect(meets("yesterday", "gruppa krovi kino")).toBe(false);
  });
});
