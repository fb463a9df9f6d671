import argon2Wasm from "@phi-ag/argon2/argon2.wasm";
import { describe, expect, it } from "vitest";
import { argon2Parameters, createArgon2Hasher } from "./password-hasher.ts";

// Runs inside workerd: the .wasm arrives as a compiled module, as in production.
const hasher = createArgon2Hasher(new WebAssembly.Instance(argon2Wasm));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

describe("argon2id password hasher in workerd", () => {
  it("hashes with OWASP's parameters into a PHC string and verifies", async () => {
    const encoded = await hasher.hash("correct horse battery staple");
    expect(encoded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await hasher.verify(encoded, "correct horse battery staple")).toBe(true);
    expect(await hasher.verify(encoded, "correct horse battery stapl")).toBe(false);
    expect(await hasher.hash("correct horse battery staple")).not.toBe(encoded);
  });

  it("hashes the UTF-8 bytes of the NFKC form: no truncation of non-ASCII passwords", async () => {
    const encoded = await hasher.hash("ёжик в тумане 🦔");
    expect(await hasher.verify(encoded, "ёжик в тумане 🦔")).toBe(true);
    expect(await hasher.verify(encoded, "ёжик в тумане 🐟")).toBe(false);
    // "ﬁ" (U+FB01) and "fi" are the same password after NFKC.
    expect(await hasher.verify(await hasher.hash("\uFB01sh and chips"), "fish and chips")).toBe(true);
  });

  it("refuses malformed or foreign hashes without throwing", async () => {
    for (const encoded of ["", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA", "$argon2id$garbage"]) {
      expect(await hasher.verify(encoded, "whatever password")).toBe(false);
    }
  });

  it("knows when a stored hash predates today's parameters", async () => {
    expect(hasher.needsRehash(await hasher.hash("some password here"))).toBe(false);
    expect(hasher.needsRehash("$argon2id$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaA")).toBe(true);
  });

  it("costs tens of milliseconds per hash (measured; the dummy costs what a real verify costs)", async () => {
    const hashes: number[] = [];
    const verifies: number[] = [];
    const dummies: number[] = [];
    let encoded = await hasher.hash("warm up the wasm memory");
    for (let i = 0; i < 5; i++) {
      let started = performance.now();
      encoded = await hasher.hash(`password number ${i}`);
      hashes.push(performance.now() - started);
      started = performance.now();
      await hasher.verify(encoded, `password number ${i}`);
      verifies.push(performance.now() - started);
      started = performance.now();
      await hasher.verifyDummy(`password number ${i}`);
      dummies.push(performance.now() - started);
    }
    // Measured in local workerd; deployed Workers advance the clock only on I/O, so measure there with CPU-time metrics.
    console.log(
      `argon2id m=${argon2Parameters.memoryKiB}KiB t=${argon2Parameters.iterations} p=${argon2Parameters.parallelism}: ` +
        `hash median ${median(hashes).toFixed(1)} ms, verify ${median(verifies).toFixed(1)} ms, dummy ${median(dummies).toFixed(1)} ms`,
    );
    expect(median(hashes)).toBeLessThan(2_000);
  });
});
