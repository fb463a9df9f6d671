import { describe, expect, it } from "vitest";
import { recommend } from "../../../shared/recs/recommend.ts";
import { collaborativeScores } from "./collaborative.ts";
import type { Neighbor } from "./candidates.ts";

/** A seeded fixture: `tracks` tracks with top-`k` lists, scores best first, as recs.track_neighbors stores them. */
function fixture(tracks: number, k: number, seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
  const ids = new Int32Array(tracks * k).fill(-1);
  const scores = new Float32Array(tracks * k);
  for (let i = 0; i < tracks; i++) {
    const chosen = new Set<number>();
    while (chosen.size < k) {
      const j = Math.floor(next() * tracks);
      if (j !== i) chosen.add(j);
    }
    const listScores = [...chosen].map(() => next()).sort((a, b) => b - a);
    [...chosen].forEach((j, r) => {
      ids[i * k + r] = j;
      scores[i * k + r] = listScores[r] ?? 0;
    });
  }
  return { uuid, nb: { n: tracks, k, ids, scores }, next };
}

describe("the wave's collaborative candidates", () => {
  it("are exactly recommend() — the evaluated ranking — on the same lists, in the same order with the same reasons", () => {
    const { uuid, nb, next } = fixture(40, 6, 7);
    const items = [3, 9, 14, 22, 30, 31];
    const preferences = items.map((_, p) => (p === 4 ? -1 : 0.5 + 3 * next()));
    const exclude = new Uint8Array(40);
    exclude[5] = 1;
    exclude[17] = 1;
    const evaluated = recommend({ items, preferences }, nb, { n: 25, exclude });
    expect(evaluated.length).toBeGreaterThan(10);

    // What the edge reads: the rows of the profile's tracks with a positive preference, keyed by uuid.
    const rows: Neighbor[] = [];
    items.forEach((i, p) => {
      if (!((preferences[p] ?? 0) > 0)) return;
      for (let r = 0; r < nb.k; r++) {
        const j = nb.ids[i * nb.k + r] ?? -1;
        if (j >= 0) rows.push({ seed: uuid(i), id: uuid(j), score: nb.scores[i * nb.k + r] ?? 0 });
      }
    });
    const served = collaborativeScores(new Map(items.map((i, p) => [uuid(i), preferences[p] ?? 0])), rows, new Set([uuid(5), uuid(17)]), 25);
    expect(served).toEqual(evaluated.map((rec) => ({ id: uuid(rec.item), score: rec.score, because: uuid(rec.because) })));
    const returned = served.map((rec) => rec.id);
    for (const own of items) expect(returned).not.toContain(uuid(own));
    expect(returned).not.toContain(uuid(5));
  });

  it("are empty without a positive preference", () => {
    const { uuid } = fixture(4, 2, 1);
    expect(collaborativeScores(new Map([[uuid(0), -2]]), [{ seed: uuid(0), id: uuid(1), score: 1 }], new Set(), 10)).toEqual([]);
  });
});
