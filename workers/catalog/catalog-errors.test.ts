import { beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "./cursor.ts";
import { get, seedCatalog, type SeededCatalog } from "./testing.ts";

const unknownId = "00000000-0000-4000-8000-000000000000";

describe("catalog read API errors in workerd", () => {
  let seeded: SeededCatalog;
  beforeAll(async () => {
    seeded = await seedCatalog();
  });

  it.each(["/tracks", "/albums", "/artists"])("answers 404 problem for an unknown id under %s", async (prefix) => {
    const response = await get(`${prefix}/${unknownId}`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ status: 404, code: "NOT_FOUND", type: "https://tunec.dev/problems/not-found" });
  });

  it("hides a draft track behind the same 404", async () => {
    expect((await get(`/tracks/${seeded.draftId}`)).status).toBe(404);
  });

  it.each(["/tracks/42", "/albums/not-an-id", "/artists/%27%20or%201=1"])("answers 400 for a malformed id: %s", async (path) => {
    const response = await get(path);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ field: "param.id" }] });
  });

  it.each([
    ["garbage", "not a cursor!"],
    ["base64 of something else", encodeCursor({ s: 1, i: unknownId })],
    ["a cursor with a bad time", encodeCursor({ at: "yesterday", id: unknownId })],
  ])("answers 400 for a cursor that is %s", async (_name, cursor) => {
    const response = await get(`/tracks?cursor=${encodeURIComponent(cursor)}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "BAD_REQUEST", errors: [{ field: "query.cursor" }] });
  });

  it.each([
    ["limit=0", "query.limit"],
    ["limit=101", "query.limit"],
    ["limit=ten", "query.limit"],
    ["artist=kino", "query.artist"],
    ["language=Russian", "query.language"],
    ["explicit=maybe", "query.explicit"],
  ])("answers 400 for %s", async (query, field) => {
    const response = await get(`/tracks?${query}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ field }] });
  });
});
