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
  });
}
