import { describe, expect, it } from "vitest";
import { catalogFromRecords } from "./catalog.ts";
import { itemNeighbours, type ItemModel } from "./item-knn.ts";
import { aggregate, type InteractionLog } from "./log.ts";
import { recommend } from "../../../shared/recs/recommend.ts";
import { neighboursOf } from "./sparse.ts";
import { generateWorld, logOfPlays } from "./synthetic.ts";
import { DEFAULT_TRAIN, trainModels } from "./train.ts";

const day = 86_400_000;
const now = Date.UTC(2026, 11, 1);

function logOf(rows: Array<[user: number, item: number, weight: number, daysAgo?: number]>): InteractionLog {
  return {
    length: rows.length,
    user: Int32Array.from(rows.map((r) => r[0])),
    item: Int32Array.from(rows.map((r) => r[1])),
    weight: Float32Array.from(rows.map((r) => r[2])),
    time: Float64Array.from(rows.map((r) => now - (r[3] ?? 0) * day)),
  };
}

// Two taste clusters: listeners 0–3 play tracks 0–2, listeners 4–7 tracks 3–5; listener 8 plays one of each.
const clustered = logOf([
  ...[0, 1, 2, 3].flatMap((u) => [0, 1, 2].map((i): [number, number, number] => [u, i, 1])),
  ...[4, 5, 6, 7].flatMap((u) => [3, 4, 5].map((i): [number, number, number] => [u, i, 1])),
  [8, 0, 1],
  [8, 3, 1],
  [8, 5, -1],
]);

describe("aggregation", () => {
  it("decays a signal to half its weight per half-life and keeps net negatives apart", () => {
    const agg = aggregate(
      logOf([
        [0, 0, 1, 90],
        [0, 1, 1, 0],
        [0, 2, 1],
        [0, 2, -1, 0],
        [0, 3, -1],
      ]),
      1,
      4,
      { halfLifeDays: 90, maxItemsPerUser: 10, now },
    );
    expect(Array.from(agg.byUser.index)).toEqual([0, 1]);
    expect(agg.byUser.value[0]).toBeCloseTo(0.5, 6);
    expect(agg.byUser.value[1]).toBeCloseTo(1, 6);
    expect(Array.from(agg.negative.index)).toEqual([3]);
  });

  it("keeps a heavy listener's strongest tracks only", () => {
    const agg = aggregate(
      logOf([
        [0, 0, 1],
        [0, 1, 3],
        [0, 2, 2],
        [1, 0, 1],
      ]),
      2,
      3,
      { halfLifeDays: 90, maxItemsPerUser: 2, now },
    );
    expect(Array.from(agg.byUser.index.subarray(0, 2))).toEqual([1, 2]);
    expect(agg.byUser.offsets[2]).toBe(3);
  });
});

describe.each<ItemModel>(["cosine", "rp3beta"])("item-kNN %s", (model) => {
  it("finds a track's neighbours in its own cluster, never itself, only among eligible tracks", () => {
    const agg = aggregate(clustered, 9, 6, { halfLifeDays: 90, maxItemsPerUser: 100, now });
    const nb = itemNeighbours(agg, { ...DEFAULT_TRAIN.knn, model, k: 3 });
    for (let t = 0; t < 6; t++) {
      const ids = neighboursOf(nb, t).map((x) => x.id);
      expect(ids).not.toContain(t);
      const cluster = t < 3 ? [0, 1, 2] : [3, 4, 5];
      expect(ids.slice(0, 2).sort()).toEqual(cluster.filter((x) => x !== t));
    }
    const eligible = Uint8Array.from([1, 0, 1, 1, 1, 1]);
    const filtered = itemNeighbours(agg, { ...DEFAULT_TRAIN.knn, model, k: 3, eligible });
    for (let t = 0; t < 6; t++) expect(neighboursOf(filtered, t).map((x) => x.id)).not.toContain(1);
    expect(neighboursOf(filtered, 1)).toEqual([]);
  });
});

describe("recommend", () => {
  const catalog = catalogFromRecords(
    Array.from({ length: 6 }, (_, t) => ({ artist: t < 3 ? 0 : 1, genres: [t < 3 ? "rock" : "jazz"], language: "en", loudness: -14, eligible: true })),
    2,
  );
  const models = trainModels(clustered, 9, catalog, { ...DEFAULT_TRAIN, knn: { ...DEFAULT_TRAIN.knn, k: 3 } });

  it("scores by the listener's tracks' neighbours, says why, skips what they know and what is excluded, then fills from popularity", () => {
    const recs = recommend({ items: [0], preferences: [2] }, models.tracks, { n: 4, fallback: [5, 4, 3, 0, 1, 2] });
    expect(
      recs
        .slice(0, 2)
        .map((r) => r.item)
        .sort(),
    ).toEqual([1, 2]);
    expect(recs[0]?.because).toBe(0);
    expect(recs.map((r) => r.item)).not.toContain(0);
    const exclude = new Uint8Array(6);
    exclude[1] = 1;
    exclude[5] = 1;
    const filtered = recommend({ items: [0], preferences: [2] }, models.tracks, { n: 4, exclude, fallback: [5, 4, 3, 0, 1, 2] });
    expect(filtered.map((r) => r.item)).not.toContain(1);
    expect(filtered.map((r) => r.item)).not.toContain(5);
    expect(filtered[0]?.item).toBe(2);
    expect(filtered.filter((r) => r.because === -1).length).toBeGreaterThan(0);
  });

  it("ignores tracks with a net non-positive preference in the profile", () => {
    expect(recommend({ items: [0], preferences: [-1] }, models.tracks, { n: 3 })).toEqual([]);
  });

  it("gives every artist neighbours from co-listening, never itself", () => {
    expect(neighboursOf(models.artists, 0).map((x) => x.id)).toEqual([1]);
    expect(models.popular.map((s) => s.segment)).toEqual(["all", "genre:jazz", "genre:rock", "language:en"]);
  });
});

describe("synthetic log", () => {
  const options = { listeners: 50, tracks: 200, plays: 2_000, genres: 4, seed: 3, start: now - 60 * day, days: 60 };
  it("is reproducible from its seed and changes with it", () => {
    const a = logOfPlays(generateWorld(options), () => true);
    const b = logOfPlays(generateWorld(options), () => true);
    const c = logOfPlays(generateWorld({ ...options, seed: 4 }), () => true);
    expect(Array.from(a.item)).toEqual(Array.from(b.item));
    expect(Array.from(a.time)).toEqual(Array.from(b.time));
    expect(Array.from(a.item)).not.toEqual(Array.from(c.item));
  });
});
