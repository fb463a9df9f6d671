/**
 * The contract every Cache adapter passes (redis-cache.test.ts,
 * upstash-cache.test.ts). Keys are prefixed per run, so suites can share one
 * Redis with other tests.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cache } from "./cache.ts";

export function cacheContract(name: string, open: () => Promise<{ cache: Cache; stop?: () => Promise<void> }>): void {
  describe(`Cache contract: ${name}`, () => {
    let cache: Cache;
    let stop: (() => Promise<void>) | undefined;
    const prefix = `tunec-test:${crypto.randomUUID()}:`;
    beforeAll(async () => {
      ({ cache, stop } = await open());
    });
    afterAll(async () => {
      await cache.close();
      await stop?.();
    });

    it("misses an absent key, then returns what was set", async () => {
      expect(await cache.get(`${prefix}a`)).toBeNull();
      await cache.set(`${prefix}a`, "Кино — «Группа крови» 🎸", 60);
      expect(await cache.get(`${prefix}a`)).toBe("Кино — «Группа крови» 🎸");
    });

    it("keeps strings as strings: JSON, numbers and base64-looking text come back unchanged", async () => {
      for (const value of ['{"hits":[1,2]}', "42", "T0s=", "OK", ""]) {
        await cache.set(`${prefix}raw`, value, 60);
        expect(await cache.get(`${prefix}raw`)).toBe(value);
      }
    });

    it("replaces a value and deletes it", async () => {
      await cache.set(`${prefix}b`, "one", 60);
      await cache.set(`${prefix}b`, "two", 60);
      expect(await cache.get(`${prefix}b`)).toBe("two");
      await cache.delete(`${prefix}b`);
      expect(await cache.get(`${prefix}b`)).toBeNull();
      await cache.delete(`${prefix}never-set`);
    });

    it("expires a value after its ttl", async () => {
      await cache.set(`${prefix}c`, "soon gone", 1);
      expect(await cache.get(`${prefix}c`)).toBe("soon gone");
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      expect(await cache.get(`${prefix}c`)).toBeNull();
    });

    it("increments atomically from zero, also under concurrency", async () => {
      expect(await cache.increment(`${prefix}version`)).toBe(1);
      const results = await Promise.all(Array.from({ length: 20 }, () => cache.increment(`${prefix}version`)));
      expect(new Set(results).size).toBe(20);
      expect(Math.max(...results)).toBe(21);
      expect(await cache.get(`${prefix}version`)).toBe("21");
    });

    it("refuses a ttl that is not a positive integer", async () => {
      await expect(cache.set(`${prefix}d`, "x", 0)).rejects.toThrow(RangeError);
      await expect(cache.set(`${prefix}d`, "x", 1.5)).rejects.toThrow(RangeError);
    });

    it("drops exactly the entries recorded under an invalidated tag, and fences that tag", async () => {
      const write = (tags: string[]) => ({ tags: tags.map((tag) => `${prefix}tag:${tag}`), maxKeysPerTag: 100, overflowTtlSeconds: 5 });
      expect(await cache.setTagged(`${prefix}page:x`, "has x", 60, write(["x", "y"]))).toBe(60);
      expect(await cache.setTagged(`${prefix}page:y`, "has y", 60, write(["y"]))).toBe(60);
      expect(await cache.setTagged(`${prefix}page:none`, "untagged", 60, write([]))).toBe(60);
      expect(await cache.invalidateTags([`${prefix}tag:x`], 2)).toBe(1);
      expect(await cache.get(`${prefix}page:x`)).toBeNull();
      expect(await cache.get(`${prefix}page:y`)).toBe("has y");
      expect(await cache.get(`${prefix}page:none`)).toBe("untagged");
      // Within the fence a value carrying the tag is refused (it may predate the change); others are not.
      expect(await cache.setTagged(`${prefix}page:x`, "stale", 60, write(["x"]))).toBe(0);
      expect(await cache.get(`${prefix}page:x`)).toBeNull();
      expect(await cache.setTagged(`${prefix}page:y2`, "fine", 60, write(["y"]))).toBe(60);
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      expect(await cache.setTagged(`${prefix}page:x2`, "fresh", 60, write(["x"]))).toBe(60);
      // page:x is still named under y (a harmless extra delete): names are dropped with their tag or by expiry.
      expect(await cache.invalidateTags([`${prefix}tag:y`, `${prefix}tag:absent`], 1)).toBe(3);
      expect(await cache.get(`${prefix}page:y`)).toBeNull();
      expect(await cache.get(`${prefix}page:y2`)).toBeNull();
      expect(await cache.get(`${prefix}page:x2`)).toBe("fresh");
    });

    it("caps the keys per tag: past the cap a value lives only the overflow ttl", async () => {
      const write = { tags: [`${prefix}tag:hot`], maxKeysPerTag: 3, overflowTtlSeconds: 1 };
      for (const n of [1, 2, 3]) expect(await cache.setTagged(`${prefix}hot:${n}`, "v", 60, write)).toBe(60);
      // Refreshing a recorded key does not count twice.
      expect(await cache.setTagged(`${prefix}hot:1`, "v", 60, write)).toBe(60);
      expect(await cache.setTagged(`${prefix}hot:4`, "v", 60, write)).toBe(1);
      expect(await cache.invalidateTags([`${prefix}tag:hot`], 1)).toBe(3);
      expect(await cache.get(`${prefix}hot:3`)).toBeNull();
      expect(await cache.get(`${prefix}hot:4`)).toBe("v");
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      // Expired names leave the set a grace period after their expiry (writers' clocks differ), then stop counting.
      const short = { ...write, tags: [`${prefix}tag:brief`] };
      for (const n of [1, 2, 3]) expect(await cache.setTagged(`${prefix}brief:${n}`, "v", 1, short)).toBe(1);
      expect(await cache.setTagged(`${prefix}brief:4`, "v", 60, { ...short, now: Date.now() + 30_000 })).toBe(1);
      expect(await cache.setTagged(`${prefix}brief:4`, "v", 60, { ...short, now: Date.now() + 70_000 })).toBe(60);
    });
  });
}
