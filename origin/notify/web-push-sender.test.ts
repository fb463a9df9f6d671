import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { DeliveryFailure } from "./ports.ts";
import { fetch as undiciFetch } from "undici";
import { isNonPublicAddress, publicOnlyDispatcher } from "./push-address.ts";
import { startTestPushService, type TestPushService } from "./testing/push-service.ts";
import { createWebPushSender, generateVapidKeys } from "./web-push-sender.ts";

// The PushSender contract on web-push, against a local push service that checks VAPID and decrypts by hand.
describe("Web Push sender (web-push → a local push service)", () => {
  let service: TestPushService;
  const keys = generateVapidKeys();
  const sender = createWebPushSender({ ...keys, subject: "mailto:support@tunec.dev" }, { timeoutMs: 5_000, allowPrivateAddresses: true });
  const options = { topic: "subscription-renewed", ttlSeconds: 3600, urgency: "normal" as const };

  beforeAll(async () => {
    service = await startTestPushService();
  });
  afterAll(async () => {
    await service?.close();
  });

  it("delivers an encrypted payload the browser's keys decrypt, signed with our VAPID key", async () => {
    const browser = service.subscribe();
    const payload = JSON.stringify({ title: "Премиум активен", body: "До 1 января 2027 г.", url: "https://tunec.dev/account", tag: "e1" });
    const sent = await sender.send(browser, payload, options);
    expect(sent.providerMessageId).toMatch(new RegExp(`^${service.origin}/messages/`));
    expect(service.refused).toEqual([]);
    expect(service.received).toEqual([
      {
        subscriptionId: browser.id,
        payload,
        topic: "subscription-renewed",
        ttl: "3600",
        urgency: "normal",
        vapid: { aud: service.origin, sub: "mailto:support@tunec.dev", publicKey: keys.publicKey },
      },
    ]);
  });

  it("reports 410 and 404 as gone, 429 and 5xx as transient, 413 as permanent, an unreachable service as transient", async () => {
    const kinds: string[] = [];
    for (const status of [410, 404, 429, 503, 413]) {
      const browser = service.subscribe();
      service.respondWith(browser.id, status);
      const failure = await sender.send(browser, "{}", options).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(DeliveryFailure);
      kinds.push((failure as DeliveryFailure).kind);
    }
    expect(kinds).toEqual(["gone", "gone", "transient", "transient", "permanent"]);
    const unreachable = await sender.send({ ...service.subscribe(), endpoint: "http://127.0.0.1:9/push/x" }, "{}", options).catch((error: unknown) => error);
    expect(unreachable).toMatchObject({ kind: "transient" });
  });

  it("a VAPID signature made with another key than the one in k is refused (permanent)", async () => {
    const browser = service.subscribe();
    const other = generateVapidKeys();
    const forger = createWebPushSender(
      { publicKey: keys.publicKey, privateKey: other.privateKey, subject: "mailto:x@tunec.dev" },
      { allowPrivateAddresses: true },
    );
    const failure = await forger.send(browser, "{}", options).catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: "permanent" });
    expect(service.refused.at(-1)).toBe("bad VAPID signature");
  });

  it("in production refuses endpoints on loopback, private and link-local addresses, by literal or by name", async () => {
    const production = createWebPushSender({ ...keys, subject: "mailto:support@tunec.dev" }, { timeoutMs: 5_000 });
    const browser = service.subscribe();
    const before = service.received.length;
    for (const endpoint of [
      browser.endpoint,
      browser.endpoint.replace("127.0.0.1", "localhost"),
      "http://169.254.169.254/latest/meta-data",
      "https://[::1]/push",
      "https://10.1.2.3/push",
      "https://[::ffff:192.168.0.1]/push",
    ]) {
      const failure = await production.send({ ...browser, endpoint }, "{}", options).catch((error: unknown) => error);
      expect(failure, endpoint).toMatchObject({ kind: "permanent", message: expect.stringContaining("non-public address") });
    }
    expect(service.received.length).toBe(before);
  });

  it("does not follow a redirect from a push endpoint", async () => {
    const browser = service.subscribe();
    const before = service.received.length;
    const redirector = createServer((_, response) => response.writeHead(307, { location: browser.endpoint }).end());
    await new Promise<void>((resolve) => redirector.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = redirector.address() as AddressInfo;
      const failure = await sender.send({ ...browser, endpoint: `http://127.0.0.1:${port}/push/x` }, "{}", options).catch((error: unknown) => error);
      expect(failure).toMatchObject({ kind: "permanent", message: expect.stringContaining("redirect") });
      expect(service.received.length).toBe(before);
    } finally {
      redirector.close();
    }
  });

  it("tells public addresses from the rest", () => {
    for (const address of [
      "127.0.0.1",
      "10.0.0.1",
      "172.16.5.4",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "::",
      "fe80::1",
      "fd00::1",
      "::ffff:127.0.0.1",
      "not-an-ip",
    ]) {
      expect(isNonPublicAddress(address), address).toBe(true);
    }
    for (const address of ["142.250.74.10", "2a00:1450:4010:c0e::5f", "::ffff:8.8.8.8"]) expect(isNonPublicAddress(address), address).toBe(false);
  });

  it("checks the address again at connect time, so a rebinding name cannot reach the local network", async () => {
    // The name passes no pre-check here: the connection itself is what refuses it.
    const local = createServer((_, response) => response.end("reached"));
    await new Promise<void>((resolve) => local.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = local.address() as AddressInfo;
      const failure = await undiciFetch(`http://localhost:${port}/`, { dispatcher: publicOnlyDispatcher }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Error);
      expect(String((failure as Error & { cause?: unknown }).cause)).toContain("non-public");
      expect(await (await undiciFetch(`http://127.0.0.1:${port}/`)).text()).toBe("reached");
    } finally {
      local.close();
    }
  });
});
