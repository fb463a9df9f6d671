/**
 * A local Web Push service for tests: it hands out subscriptions (a real
 * P-256 key pair and auth secret per browser, as a browser makes them),
 * checks every message's VAPID Authorization header (RFC 8292: ES256 JWT
 * signed by the key in `k`, audience = this origin, expiry within 24 h) and
 * decrypts the aes128gcm body by hand with node:crypto (RFC 8291/8188) — an
 * implementation independent of the sender's, so a payload that arrives here
 * is one a browser could read.
 */
import { createECDH, createDecipheriv, createPublicKey, hkdfSync, verify, type ECDH } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedPush {
  subscriptionId: string;
  payload: string;
  topic: string | null;
  ttl: string | null;
  urgency: string | null;
  vapid: { aud: string; sub: string; publicKey: string };
}

export interface TestPushService {
  origin: string;
  received: ReceivedPush[];
  /** Refused requests, with why (for failure messages). */
  refused: string[];
  /** A new browser subscription on this service. */
  subscribe(): { id: string; endpoint: string; keys: { p256dh: string; auth: string } };
  /** The status the next messages to `id` get (default 201); 410 simulates an expired subscription. */
  respondWith(id: string, status: number): void;
  close(): Promise<void>;
}

const b64u = (buffer: Buffer) => buffer.toString("base64url");
const fromB64u = (text: string) => Buffer.from(text, "base64url");

function hkdf(ikm: Buffer, salt: Buffer, info: Buffer, length: number): Buffer {
  return Buffer.from(hkdfSync("sha256", ikm, salt, info, length));
}

/** RFC 8291 §3.4 + RFC 8188 §2: one-record aes128gcm message → plaintext. */
export function decryptAes128gcm(body: Buffer, browser: ECDH, authSecret: Buffer): string {
  const salt = body.subarray(0, 16);
  const idLength = body.readUInt8(20);
  const serverPublic = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  const shared = browser.computeSecret(serverPublic);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), browser.getPublicKey(), serverPublic]);
  const ikm = hkdf(shared, authSecret, keyInfo, 32);
  const cek = hkdf(ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16);
  const nonce = hkdf(ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12);
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02, then optional zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("bad padding delimiter");
  return padded.subarray(0, end).toString("utf8");
}

/** RFC 8292: `vapid t=<jwt>, k=<public key>`; returns the claims or throws why not. */
export function verifyVapid(header: string | undefined, audience: string): { aud: string; sub: string; publicKey: string } {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? "");
  if (!match?.[1] || !match[2]) throw new Error(`no vapid Authorization header: ${header}`);
  const [jwt, publicKey] = [match[1], match[2]];
  const point = fromB64u(publicKey);
  if (point.length !== 65 || point[0] !== 4) throw new Error("k is not an uncompressed P-256 point");
  const key = createPublicKey({ key: { kty: "EC", crv: "P-256", x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33)) }, format: "jwk" });
  const [head = "", body = "", signature = ""] = jwt.split(".");
  if (JSON.parse(fromB64u(head).toString()).alg !== "ES256") throw new Error("alg is not ES256");
  if (!verify("sha256", Buffer.from(`${head}.${body}`), { key, dsaEncoding: "ieee-p1363" }, fromB64u(signature))) throw new Error("bad VAPID signature");
  const claims = JSON.parse(fromB64u(body).toString()) as { aud?: string; exp?: number; sub?: string };
  if (claims.aud !== audience) throw new Error(`aud ${claims.aud} is not ${audience}`);
  const now = Date.now() / 1000;
  if (typeof claims.exp !== "number" || claims.exp < now || claims.exp > now + 24 * 3600 + 60) throw new Error("exp missing or not within 24 h");
  if (!claims.sub || !/^(mailto:|https:)/.test(claims.sub)) throw new Error("sub is not mailto: or https:");
  return { aud: claims.aud, sub: claims.sub, publicKey };
}

export async function startTestPushService(): Promise<TestPushService> {
  const browsers = new Map<string, { ecdh: ECDH; auth: Buffer; status: number }>();
  const received: ReceivedPush[] = [];
  const refused: string[] = [];
  let origin = "";

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const id = /^\/push\/([0-9a-f-]{36})$/.exec(request.url ?? "")?.[1];
    const browser = id ? browsers.get(id) : undefined;
    if (request.method !== "POST" || !id || !browser) {
      response.writeHead(404).end();
      return;
    }
    try {
      const vapid = verifyVapid(request.headers.authorization, origin);
      if (request.headers["content-encoding"] !== "aes128gcm") throw new Error(`content-encoding ${request.headers["content-encoding"]}`);
      if (!request.headers.ttl) throw new Error("no TTL header");
      if (browser.status !== 201) {
        response.writeHead(browser.status).end("subscription expired or unsubscribed");
        return;
      }
      const payload = decryptAes128gcm(Buffer.concat(chunks), browser.ecdh, browser.auth);
      const header = (name: string) => (typeof request.headers[name] === "string" ? (request.headers[name] as string) : null);
      received.push({ subscriptionId: id, payload, topic: header("topic"), ttl: header("ttl"), urgency: header("urgency"), vapid });
      response.writeHead(201, { location: `${origin}/messages/${crypto.randomUUID()}` }).end();
    } catch (error) {
      refused.push(error instanceof Error ? error.message : String(error));
      response.writeHead(401).end(error instanceof Error ? error.message : "refused");
    }
  }

  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    received,
    refused,
    subscribe() {
      const id = crypto.randomUUID();
      const ecdh = createECDH("prime256v1");
      ecdh.generateKeys();
      const auth = Buffer.from(crypto.getRandomValues(new Uint8Array(16)));
      browsers.set(id, { ecdh, auth, status: 201 });
      return { id, endpoint: `${origin}/push/${id}`, keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(auth) } };
    },
    respondWith(id, status) {
      const browser = browsers.get(id);
      if (browser) browser.status = status;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
