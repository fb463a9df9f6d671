/**
 * The subscription flow end to end on `npm start` (embedded defaults): a free
 * listener subscribes with the SBP sandbox, pays, and the whole chain runs
 * through the real processes — callback → PaymentCompleted → saga →
 * SubscriptionActivated → users → UserUpdated → auth → refreshed token —
 * while the notification service mails the SMTP sink.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeJwt } from "jose";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "../shared/db/postgres.ts";
import { embeddedSystemEnv, startProcess, waitForOutput } from "../test/processes.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsx = join(root, "node_modules", ".bin", "tsx");

interface Tokens {
  access_token: string;
  refresh_token: string;
}

/** Polls `probe` until it returns a value (not undefined); fails with `what` after the deadline. */
async function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

describe("npm start: subscribe with the SBP sandbox", () => {
  const dataDirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("turns a free listener premium on ten concurrent callbacks: one payment, refreshed token, no ads, high quality, one email", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "tunec-subscribe-"));
    dataDirs.push(dataDir);
    const env = await embeddedSystemEnv(dataDir);
    const gateway = `http://127.0.0.1:${env.GATEWAY_PORT}`;
    const sandbox = `http://127.0.0.1:${env.SBP_SANDBOX_PORT}`;
    const mailbox = `http://127.0.0.1:${env.SMTP_SINK_HTTP_PORT}`;
    const system = startProcess(tsx, ["scripts/start.ts"], env, root);
    const db = createPostgresDatabase(`postgres://postgres@127.0.0.1:${env.EMBEDDED_DB_PORT}/postgres`, { maxConnections: 1 });
    try {
      await waitForOutput(system, "ready —", 180_000);

      const email = "e2e-listener@example.com";
      const password = "violet-accordion-harbour-42";
      const json = { "content-type": "application/json" };
      expect((await fetch(`${gateway}/auth/register`, { method: "POST", headers: json, body: JSON.stringify({ email, password }) })).status).toBe(202);
      const login = await fetch(`${gateway}/auth/login`, { method: "POST", headers: json, body: JSON.stringify({ email, password }) });
      expect(login.status).toBe(200);
      let tokens = (await login.json()) as Tokens;
      expect(decodeJwt(tokens.access_token).is_premium).toBe(false);
      const as = (token: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });

      // The demo seed publishes tracks (with both renditions) and ad campaigns after "ready".
      const trackId = await eventually("a published demo track with a high rendition", 240_000, async () => {
        const rows = await sql<{ id: string }>`
          select t.id from catalog.tracks t
          where t.status = 'published' and exists (select 1 from catalog.renditions r where r.track_id = t.id and r.quality = 'high')
          limit 1`
          .execute(db)
          .catch(() => ({ rows: [] }));
        return rows.rows[0]?.id;
      });
      const freeAd = await eventually("an ad for the free listener", 120_000, async () => {
        const response = await fetch(`${gateway}/ad`, { headers: as(tokens.access_token, { "accept-language": "ru" }) });
        return response.status === 200 ? ((await response.json()) as Record<string, unknown>) : undefined;
      });
      expect(freeAd).toHaveProperty("audio");
      expect((await fetch(`${gateway}/stream/${trackId}?quality=high`, { headers: as(tokens.access_token) })).status).toBe(403);
      const freePlay = (await (await fetch(`${gateway}/stream/${trackId}`, { headers: as(tokens.access_token) })).json()) as { quality: string; url: string };
      expect(freePlay.quality).toBe("standard");
      expect((await fetch(new URL(freePlay.url, gateway), { headers: { range: "bytes=100-199" } })).status).toBe(206);

      const subscribe = await fetch(`${gateway}/subscribe`, {
        method: "POST",
        headers: as(tokens.access_token, { ...json, "idempotency-key": crypto.randomUUID() }),
        body: JSON.stringify({ plan: "monthly", method: "sbp" }),
      });
      expect(subscribe.status).toBe(201);
      const order = (await subscribe.json()) as { instructions: { kind: string; confirmation_url: string } };
      expect(order.instructions.kind).toBe("sbp_qr");
      // The QR link opens the sandbox's pay page: /_sandbox/pay/<provider payment id>.
      const providerPaymentId = new URL(order.instructions.confirmation_url).pathname.split("/").at(-1);
      // The provider delivers the same signed callback ten times at once.
      const paid = await fetch(`${sandbox}/_sandbox/payments/${providerPaymentId}/pay`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ repeat: 10 }),
      });
      expect(paid.status).toBe(200);

      const subscription = await eventually("the subscription to be active", 60_000, async () => {
        const view = (await (await fetch(`${gateway}/subscription`, { headers: as(tokens.access_token) })).json()) as {
          state: string;
          payments: { status: string }[];
        };
        return view.state === "active" ? view : undefined;
      });
      expect(subscription.payments.map((payment) => payment.status)).toEqual(["succeeded"]);
      const sent = (await (await fetch(`${sandbox}/_sandbox/payments/${providerPaymentId}/notifications`)).json()) as {
        status: string;
        deliveries: unknown[];
      }[];
      expect(
        sent.filter((notification) => notification.status === "CONFIRMED").flatMap((notification) => notification.deliveries).length,
      ).toBeGreaterThanOrEqual(10);
      tokens = await eventually(
        "a refreshed token with is_premium",
        60_000,
        async () => {
          const response = await fetch(`${gateway}/auth/refresh`, {
            method: "POST",
            headers: json,
            body: JSON.stringify({ refresh_token: tokens.refresh_token }),
          });
          expect(response.status).toBe(200);
          const next = (await response.json()) as Tokens;
          tokens = next;
          return decodeJwt(next.access_token).is_premium === true ? next : undefined;
          // Refreshes are rate-limited (30/min by default): ask every 2 s.
        },
        2_000,
      );

      expect((await fetch(`${gateway}/ad`, { headers: as(tokens.access_token, { "accept-language": "ru" }) })).status).toBe(204);
      const stream = await fetch(`${gateway}/stream/${trackId}?quality=high`, { headers: as(tokens.access_token) });
      expect(stream.status).toBe(200);
      const play = (await stream.json()) as { quality: string; url: string };
      expect(play.quality).toBe("high");
      const media = await fetch(new URL(play.url, gateway), { headers: { range: "bytes=0-1023" } });
      expect(media.status).toBe(206);
      expect((await media.arrayBuffer()).byteLength).toBe(1024);

      // Registration mailed an address-verification link; the subscription mails are the others.
      const premiumMails = async () =>
        ((await (await fetch(`${mailbox}/messages?to=${encodeURIComponent(email)}`)).json()) as { subject: string }[]).filter((message) =>
          /Premium/.test(message.subject),
        );
      const messages = await eventually("the activation email at the SMTP sink", 60_000, async () => {
        const list = await premiumMails();
        return list.length > 0 ? list : undefined;
      });
      expect(messages[0]?.subject).toMatch(/Premium/);
      // Ten callbacks, one activation, one email: give any duplicate time to arrive, then count.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(await premiumMails()).toHaveLength(1);
    } finally {
      await db.destroy();
      system.child.kill("SIGINT");
      await system.exited;
    }
  }, 600_000);
});
