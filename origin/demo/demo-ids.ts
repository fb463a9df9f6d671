import { createHash } from "node:crypto";

// The seed's own UUID namespace: names → the same ids on every machine and run.
const namespace = Buffer.from("6f1c2d7e4b3a4c0e9a8d5e2f1b7c6a90", "hex");

/** RFC 9562 UUIDv5 of `name` in the demo namespace. */
export function demoId(kind: string, name: string): string {
  const hash = createHash("sha1").update(namespace).update(`${kind}:${name}`).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The account the demo uploads are recorded under (it signs nothing in). */
export const demoUploaderId = demoId("user", "demo-uploader");
