import { describe, expect, it } from "vitest";
import { chooseCampaign, weightedPick } from "./selection.ts";

const campaign = (id: string, priority: number, specificity: number, weight = 1) => ({ id, priority, specificity, weight });

describe("ad selection", () => {
  it("takes the highest priority, then the most specific targeting, whatever the random draw", () => {
    const candidates = [campaign("a", 0, 2, 1000), campaign("b", 5, 0), campaign("c", 5, 1), campaign("d", 1, 2, 1000)];
    for (const draw of [0, 0.5, 0.999]) expect(chooseCampaign(candidates, () => draw)?.id).toBe("c");
    expect(chooseCampaign([], () => 0)).toBeUndefined();
  });

  it("shares traffic within a tier by weight", () => {
    const tier = [campaign("heavy", 1, 1, 3), campaign("light", 1, 1, 1)];
    // Tickets 0–2 of 4 are heavy's (ordered by id: heavy before light), ticket 3 light's.
    expect(chooseCampaign(tier, () => 0.74)?.id).toBe("heavy");
    expect(chooseCampaign(tier, () => 0.76)?.id).toBe("light");
    expect(chooseCampaign([...tier].reverse(), () => 0.76)?.id).toBe("light");
  });

  it("draws about weight/total of the time", () => {
    let seed = 42;
    // A small deterministic LCG, so the test cannot flake.
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 4000; i++) {
      const picked = weightedPick(
        [
          { id: "a" as const, weight: 1 },
          { id: "b" as const, weight: 3 },
        ],
        random,
      );
      if (picked) counts[picked.id]++;
    }
    expect(counts.b / 4000).toBeGreaterThan(0.7);
    expect(counts.b / 4000).toBeLessThan(0.8);
  });
});
