/**
 * Web Push endpoints come from browsers, i.e. from any user: before we post to
 * one, its host must resolve only to public addresses, or a subscription could
 * make the origin call its own network (SSRF): loopback, private, link-local
 * (cloud metadata at 169.254.169.254), CGNAT, unique-local, multicast.
 */
import { lookup as lookupCallback, type LookupAddress, type LookupOptions } from "node:dns";
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { Agent } from "undici";

const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  blocked.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["64:ff9b::", 96],
  ["2002::", 16],
] as const) {
  blocked.addSubnet(network, prefix, "ipv6");
}

/** True for an address a push service may not have: private, loopback, link-local and the like. */
export function isNonPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return blocked.check(mapped, "ipv4");
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** Throws when the endpoint's host is, or resolves to, any non-public address. */
export async function assertPublicEndpoint(endpoint: string): Promise<void> {
  const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host) ? [{ address: host }] : await lookup(host, { all: true, verbatim: true });
  const refused = addresses.find(({ address }) => isNonPublicAddress(address));
  if (refused) throw new Error(`the push endpoint's host ${host} resolves to a non-public address (${refused.address})`);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for sockets that refuses non-public addresses at connect time.
 * Checking before the request is not enough: a host with a zero TTL can
 * answer the check with a public address and the connection with 127.0.0.1
 * (DNS rebinding). Resolving here, once, is the address the socket uses.
 */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  lookupCallback(hostname, { all: true, verbatim: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const refused = addresses.find(({ address }) => isNonPublicAddress(address));
    if (refused || addresses.length === 0) {
      const failure: NodeJS.ErrnoException = new Error(
        `refusing to connect to ${hostname}: it resolves to a non-public address (${refused?.address ?? "none"})`,
      );
      failure.code = "ENONPUBLIC";
      return callback(failure, []);
    }
    if (options.all) return callback(null, addresses);
    const [first] = addresses as [LookupAddress];
    callback(null, first.address, first.family);
  });
}

/** An HTTP dispatcher whose every connection goes only to public addresses (the push sender's, in production). */
export const publicOnlyDispatcher = new Agent({ connect: { lookup: publicOnlyLookup } });
