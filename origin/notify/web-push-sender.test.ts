import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeliveryFailure } from "./ports.ts";
import { startTestPushService, type TestPushService } from "./testing/push-service.ts";
import { createWebPushSender, generateVapidKeys } from "./web-push-sender.ts";

// The PushSender contract on web-push, against a local push service that checks VAPID and decrypts by hand.
describe("Web Push sender (web-push → a local push service)", () => {
  let service: TestPushService;
  const keys = generateVapidKeys();
  const sender = createWebPushSender({ ...keys, subject: "mailto:support@tunec.dev" }, { timeoutMs: 5_000 });
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
      { subscriptionId: browser.id, payload, topic: "subscription-renewed", ttl: "3600", urgency: "normal", vapid: { aud: service.origin, sub: "mailto:support@tunec.dev", publicKey: keys.publicKey } },
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
    const forger = createWebPushSender({ publicKey: keys.publicKey, privateKey: other.privateKey, subject: "mailto:x@tunec.dev" });
    const failure = await forger.send(browser, "{}", options).catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: "permanent" });
    expect(service.refused.at(-1)).toBe("bad VAPID signature");
  });
});
