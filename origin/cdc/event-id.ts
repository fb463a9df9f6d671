import { createHash } from "node:crypto";

// Fixed namespace of CDC-made event ids (a random v4, chosen once).
const cdcNamespace = "5f0a5f55-1c1e-4a8b-9a35-7f5d2b8e4c11";

/** RFC 9562 name-based uuid (version 5, SHA-1). @example uuidV5("www.example.com", dnsNamespace) */
export function uuidV5(name: string, namespace: string): string {
  const bytes = createHash("sha1")
    .update(Buffer.from(namespace.replaceAll("-", ""), "hex"))
    .update(name, "utf8")
    .digest();
  bytes.writeUInt8((bytes.readUInt8(6) & 0x0f) | 0x50, 6);
  bytes.writeUInt8((bytes.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = bytes.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of an event CDC derives from a WAL change. A change keeps its WAL
 * position forever, so replaying the slot after a crash yields the same ids
 * and consumers' inboxes drop the duplicates.
 */
export function changeEventId(change: { slot: string; lsn: string; table: string; key: string }): string {
  return uuidV5(`${change.slot}/${change.lsn}/${change.table}/${change.key}`, cdcNamespace);
}
