/**
 * The contract every ObjectStore adapter passes (R2 in workerd, the edge's
 * internal endpoint, S3 against a real S3-protocol server).
 * @example objectStoreContract("s3", async () => ({ store, cleanup }))
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidObjectKeyError, type ObjectStore } from "./object-store.ts";

export interface ContractSubject {
  store: ObjectStore;
  cleanup?: () => Promise<void>;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** A stream of `size` deterministic bytes, produced lazily in 64 KiB chunks. */
function patternStream(size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= size) return controller.close();
      const chunk = new Uint8Array(Math.min(65_536, size - sent));
      for (let i = 0; i < chunk.length; i++) chunk[i] = (sent + i) % 251;
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
}

export function objectStoreContract(name: string, subject: () => Promise<ContractSubject>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let store: ObjectStore;
    let cleanup: (() => Promise<void>) | undefined;
    const prefix = `contract/${crypto.randomUUID()}`;

    beforeAll(async () => {
      ({ store, cleanup } = await subject());
    });
    afterAll(async () => {
      await cleanup?.();
    });

    it("stores bytes and reads them back with size and content type", async () => {
      const key = `${prefix}/hello.txt`;
      const put = await store.put(key, "привет, tunec", { contentType: "text/plain; charset=utf-8" });
      expect(put.key).toBe(key);
      expect(put.size).toBe(new TextEncoder().encode("привет, tunec").byteLength);
      const got = await store.get(key);
      expect(got).not.toBeNull();
      expect(got?.size).toBe(put.size);
      expect(got?.contentType).toBe("text/plain; charset=utf-8");
      expect(new TextDecoder().decode(await readAll(got?.body ?? new ReadableStream()))).toBe("привет, tunec");
      expect(await store.head(key)).toMatchObject({ key, size: put.size, contentType: "text/plain; charset=utf-8" });
    });

    it("streams a large body of declared length without changing a byte", async () => {
      const key = `${prefix}/large.bin`;
      const size = 3 * 1024 * 1024 + 17;
      await store.put(key, patternStream(size), { contentType: "application/octet-stream", contentLength: size });
      const head = await store.head(key);
      expect(head?.size).toBe(size);
      const got = await store.get(key);
      const bytes = await readAll(got?.body ?? new ReadableStream());
      expect(bytes.byteLength).toBe(size);
      expect(bytes.every((byte, i) => byte === i % 251)).toBe(true);
    });

    it("answers null for a missing key on get and head", async () => {
      expect(await store.get(`${prefix}/missing`)).toBeNull();
      expect(await store.head(`${prefix}/missing`)).toBeNull();
    });

    it("overwrites a key: a retried writer leaves one object", async () => {
      const key = `${prefix}/overwrite.bin`;
      await store.put(key, new Uint8Array([1, 2, 3]), { contentType: "application/octet-stream" });
      await store.put(key, new Uint8Array([9, 9]), { contentType: "application/octet-stream" });
      const got = await store.get(key);
      expect([...(await readAll(got?.body ?? new ReadableStream()))]).toEqual([9, 9]);
    });

    it("deletes, and deleting a missing key is fine", async () => {
      const key = `${prefix}/gone.bin`;
      await store.put(key, new Uint8Array([1]));
      await store.delete(key);
      expect(await store.head(key)).toBeNull();
      await expect(store.delete(key)).resolves.toBeUndefined();
    });

    it("refuses keys that could escape their prefix", async () => {
      for (const key of ["", "/abs", "a/../b", "a//b", "a b"]) {
        await expect(store.put(key, "x")).rejects.toBeInstanceOf(InvalidObjectKeyError);
        await expect(store.get(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
      }
    });
  });
}
