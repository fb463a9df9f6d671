import { describe, expect, it } from "vitest";
import { encodeCursor } from "../catalog/cursor.ts";
import { get } from "../catalog/testing.ts";

const problem = async (path: string) => {
  const response = await get(path);
  expect(response.status).toBe(400);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  return response.json<{ code: string; errors?: Array<{ field: string }> }>();
};

describe("GET /search errors in workerd", () => {
  it.each([
    ["no q", "/search"],
    ["an empty q", "/search?q="],
    ["a q of spaces", "/search?q=%20%20%20"],
    ["a q of punctuation only", "/search?q=%21%3F%C2%AB%C2%BB"],
    ["an oversized q", `/search?q=${"я".repeat(201)}`],
    ["an unknown type", "/search?q=kino&type=song"],
    ["a zero limit", "/search?q=kino&limit=0"],
    ["a limit above 50", "/search?q=kino&limit=51"],
  ])("answers 400 for %s", async (_name, path) => {
    expect(await problem(path)).toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("answers 400 for a malformed cursor and for a cursor of another query", async () => {
    expect(await problem("/search?q=kino&cursor=%25%25")).toMatchObject({ code: "BAD_REQUEST", errors: [{ field: "query.cursor" }] });
    const foreign = encodeCursor({ s: 1.5, i: "00000000-0000-4000-8000-000000000000", f: "other" });
    expect(await problem(`/search?q=kino&cursor=${foreign}`)).toMatchObject({ code: "BAD_REQUEST", errors: [{ field: "query.cursor" }] });
  });
});
