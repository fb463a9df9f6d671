import { describe, expect, it } from "vitest";
import { changeTags, documentTermTags, entityTag, entityTags, queryTermTags } from "./cache-tags.ts";

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
    expect(meets("ki", "gruppa krovi kino")).toBe(true); // a prefix being typed
    expect(meets("krov", "gruppa krovi kino")).toBe(true);
    expect(meets("Битлз", "yesterday the beatles")).toBe(true); // by sound
    expect(meets("Čajkovskij", "shchelkunchik chaykovskiy")).toBe(true); // folded romanisation
    expect(meets("Tchaikovsky", "shchelkunchik chaykovskiy")).toBe(true);
  });

  it("leaves unrelated queries alone, and misses stems and typos (the ttl bounds those)", () => {
    expect(meets("Аквариум", "gruppa krovi kino")).toBe(false);
    expect(meets("yesterday", "gruppa krovi kino")).toBe(false);
    // Two-consonant skeletons are no tags: kino (kn) must not meet every kn word.
    expect(meets("kone", "gruppa krovi kino")).toBe(false);
    expect(meets("gruppy", "gruppa krovi kino")).toBe(true); // a stem that keeps its skeleton (grp)
    expect(meets("kimo", "gruppa krovi kino")).toBe(false);
  });

  it("counts only the words a document did not have before", () => {
    const tags = changeTags([{ kind: "track", id: "t1", searchForm: "hochu peremen kino", previousForm: "zvezda kino" }]);
    expect(tags).toContain(entityTag("track", "t1"));
    expect(queryTermTags("peremen").every((tag) => tags.includes(tag))).toBe(true);
    expect(queryTermTags("kino").some((tag) => tags.includes(tag))).toBe(false);
    // Unknown before: every word is new; hidden before (''): likewise.
    for (const previousForm of [undefined, ""])
      expect(queryTermTags("kino").every((tag) => changeTags([{ kind: "track", id: "t1", searchForm: "kino", previousForm }]).includes(tag))).toBe(true);
  });
});
