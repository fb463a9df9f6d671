/**
 * The GET /search contract in workerd, run against each engine: the
 * PostgreSQL Worker as deployed (search.test.ts) and the same route over the
 * OpenSearch adapter (search-opensearch.test.ts).
 */
import { beforeAll, expect, it } from "vitest";
import { seedCatalog, type SeededCatalog } from "../../catalog/testing.ts";

interface SearchPage {
  type: string;
  items: Array<{ id: string; title?: string; name?: string; artists?: Array<{ id: string; name: string }> }>;
  next_cursor: string | null;
}

export function searchContract(options: { get: (path: string) => Promise<Response>; afterSeed?: (seeded: SeededCatalog) => Promise<void> }): void {
  let seeded: SeededCatalog;
  beforeAll(async () => {
    seeded = await seedCatalog();
    await options.afterSeed?.(seeded);
  }, 30_000);

  const search = async (query: string) => {
    const response = await options.get(`/search?${query}`);
    expect(response.status).toBe(200);
    return { body: await response.json<SearchPage>(), cache: response.headers.get("x-cache") };
  };

  it("finds a track by a transliterated title, best match first, with its artists", async () => {
    const { body, cache } = await search(`q=${encodeURIComponent(`gruppa krovi ${seeded.tag}`)}`);
    expect(body.type).toBe("track");
    expect(body.items[0]).toMatchObject({ id: seeded.albumTrackIds[0], title: `Группа крови ${seeded.tag}`, artists: [{ id: seeded.artistId }] });
    // No Upstash in the test Worker: every search asks the engine.
    expect(cache).toBe("off");
  });

  it("finds artists and albums by type, across scripts", async () => {
    const artists = await search(`type=artist&q=${encodeURIComponent(`земфира ${seeded.tag}`)}`);
    expect(artists.body.items[0]).toMatchObject({ id: seeded.featuredId, name: `Zemfira ${seeded.tag}` });
    const albums = await search(`type=album&q=${encodeURIComponent(`Группа ${seeded.tag}`)}`);
    expect(albums.body.items[0]).toMatchObject({ id: seeded.albumId });
  });

  it("pages through every published match once, never the draft", async () => {
    const seen: Array<{ id: string; title?: string }> = [];
    let cursor: string | null = null;
    for (let page = 0; page < 30; page++) {
      const { body } = await search(`q=${seeded.tag}&limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...body.items);
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    expect(cursor).toBeNull();
    // Each page boundary is exact: no track twice, none skipped.
    expect(new Set(seen.map((item) => item.id)).size).toBe(seen.length);
    // Other suites' catalogs share the database, and a random tag of theirs can be a typo-distance
    // match of this one: only this seed's tracks are counted.
    const ours = seen.filter((item) => item.title?.endsWith(` ${seeded.tag}`)).map((item) => item.id);
    expect(ours.sort()).toEqual([...seeded.albumTrackIds, seeded.singleId].sort());
    expect(seen.map((item) => item.id)).not.toContain(seeded.draftId);
  });

  it("forgives a typo", async () => {
    const { body } = await search(`q=${encodeURIComponent(`Спакойная ${seeded.tag}`)}`);
    expect(body.items[0]?.id).toBe(seeded.albumTrackIds[1]);
  });
}
