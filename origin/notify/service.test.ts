import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeConfigSchema, parseConfig } from "../../shared/config.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { freePort } from "../../test/processes.ts";
import { publishEvent, waitFor } from "../events/consumer/testing.ts";
import { createEventLog } from "../events/event-log-factory.ts";
import type { EventLog } from "../events/event-log.ts";
import type { RunningService } from "../service.ts";
import { createNotifyService } from "./service.ts";
import { startSmtpSink, type SmtpSink } from "./sink/smtp-sink.ts";
import { createSmtpMailer } from "./smtp-mailer.ts";
import { activated, createUser, expired, failed } from "./testing/fixtures.ts";
import { startTestPushService, type TestPushService } from "./testing/push-service.ts";
import { createWebPushSender, generateVapidKeys } from "./web-push-sender.ts";

const topic = "tunec.billing.subscriptions";

// The service as `--service notify` runs it, on the PostgreSQL event log, sending to a real SMTP server and a local push service.
describe.each(databaseKinds())("notify service on %s", (kind) => {
  let database: TestDatabase;
  let service: RunningService;
  let log: EventLog;
  let sink: SmtpSink;
  let mailDir: string;
  let pushService: TestPushService;
  /** SMTP replies the sink gives, per recipient, before it accepts. */
  const smtpFailures = new Map<string, Array<{ code: number; message: string }>>();
  const logger = createLogger({ service: "notify-test" }, "error");

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    mailDir = await mkdtemp(join(tmpdir(), "tunec-notify-"));
    sink = await startSmtpSink({ directory: mailDir, smtpPort: await freePort(), reject: ({ to }) => smtpFailures.get(to[0] ?? "")?.shift() });
    pushService = await startTestPushService();
    const config = { ...parseConfig(nodeConfigSchema, { DATABASE_URL: database.url, SMTP_URL: sink.smtpUrl }), DATABASE_URL: database.url };
    const vapid = { ...generateVapidKeys(), subject: "mailto:support@tunec.dev" };
    service = await createNotifyService({
      deliveryRetry: { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 100 },
      pollMs: 20,
      mailer: () => createSmtpMailer({ url: sink.smtpUrl, from: config.MAIL_FROM, timeoutMs: 5_000 }),
      push: () => createWebPushSender(vapid, { timeoutMs: 5_000, allowPrivateAddresses: true }),
    }).start({ config, db: database.db, log: logger });
    log = createEventLog({ DATABASE_URL: database.url }, database.db, logger).log;
  });
  afterAll(async () => {
    await log?.close();
    await service?.stop();
    await pushService?.close();
    await sink?.close();
    await database?.drop();
    if (mailDir) await rm(mailDir, { recursive: true, force: true });
  });

  const deliveries = (userId: string) => database.db.selectFrom("notify.deliveries").selectAll().where("user_id", "=", userId).orderBy("created_at").execute();
  const mailTo = (email: string) => sink.messages({ to: email });
  const settled = async (userId: string, count: number) =>
    waitFor(async () => {
      const rows = await deliveries(userId);
      return rows.length === count && rows.every((row) => row.status !== "pending" && row.status !== "sending");
    }, `${count} settled deliveries`);

  it("welcomes a Russian-speaking subscriber by email, in Russian, with their name escaped in the HTML", async () => {
    const user = await createUser(database.db, "ru-RU", `<b>Аня & "Ко"</b>`);
    const event = await publishEvent(log, topic, "tunec.billing.subscription-activated.v1", activated(user.userId));
    await settled(user.userId, 1);
    const [mail] = await mailTo(user.email);
    expect(mail).toMatchObject({
      from: "noreply@tunec.dev",
      subject: "TUNEC Premium подключён",
      messageId: expect.stringMatching(new RegExp(`^<${event.id}\\.[A-Za-z0-9_-]{12}@tunec\\.dev>$`)),
    });
    expect(mail?.text).toContain(`Здравствуйте, <b>Аня & "Ко"</b>!`);
    expect(mail?.text).toContain("Спасибо за подписку на месяц! TUNEC Premium действует до 1 января 2027 г.\n");
    expect(mail?.text).toContain("https://tunec.dev/app/account/subscription");
    expect(mail?.html).toContain("Здравствуйте, &lt;b&gt;Аня &amp; &quot;Ко&quot;&lt;/b&gt;!");
    expect(mail?.html).not.toContain("<b>Аня");
    expect(mail?.html).toContain('<html lang="ru">');
    const [row] = await deliveries(user.userId);
    expect(row).toMatchObject({
      event_id: event.id,
      channel: "email",
      recipient: user.email,
      status: "sent",
      attempts: 1,
      locale: "ru",
      template: "subscription-activated",
      last_error: null,
    });
    expect(row?.provider_message_id).toMatch(/queued as/);
  });

  it("writes in English to an English profile, and in Russian when there is no profile", async () => {
    const english = await createUser(database.db, "en-GB");
    await publishEvent(
      log,
      topic,
      "tunec.billing.subscription-activated.v1",
      activated(english.userId, { renewal: true, plan: "yearly", periodEnd: "2027-12-01T00:00:00Z" }),
    );
    await publishEvent(log, topic, "tunec.billing.subscription-failed.v1", failed(english.userId));
    await settled(english.userId, 2);
    const mails = await mailTo(english.email);
    expect(mails.map((mail) => mail.subject).sort()).toEqual(["We could not start your TUNEC Premium", "Your TUNEC Premium subscription was renewed"]);
    expect(mails.find((mail) => mail.subject.startsWith("Your"))?.text).toContain("your yearly subscription now runs until 1 December 2027");
    expect(mails.find((mail) => mail.subject.startsWith("We"))?.text).toContain("the refund has been requested");

    const noProfile = await createUser(database.db, "ru");
    await database.db.deleteFrom("users.profiles").where("user_id", "=", noProfile.userId).execute();
    await publishEvent(log, topic, "tunec.billing.subscription-expired.v1", expired(noProfile.userId));
    await settled(noProfile.userId, 1);
    expect((await mailTo(noProfile.email)).map((mail) => [mail.subject, mail.text.split("\n")[0]])).toEqual([
      ["Подписка TUNEC Premium закончилась", "Здравствуйте!"],
    ]);
  });

  it("sends one message for an event delivered ten times, nine of them concurrently", async () => {
    const user = await createUser(database.db, "ru");
    const event = await publishEvent(log, topic, "tunec.billing.subscription-activated.v1", activated(user.userId));
    const again = { topic, key: user.userId, value: JSON.stringify(event) };
    await Promise.all(Array.from({ length: 9 }, () => log.publish([again])));
    // Per-key order: once a later event for the same user is handled, every copy before it was too.
    await publishEvent(log, topic, "tunec.billing.subscription-expired.v1", expired(user.userId));
    await settled(user.userId, 2);
    const subjects = (await mailTo(user.email)).map((mail) => mail.subject);
    expect(subjects.sort()).toEqual(["Подписка TUNEC Premium закончилась", "TUNEC Premium подключён"].sort());
    expect((await deliveries(user.userId)).filter((row) => row.event_id === event.id)).toHaveLength(1);
  });

  it("retries a mail server that fails twice (451), then delivers once with attempts = 3", async () => {
    const user = await createUser(database.db, "en");
    smtpFailures.set(user.email, [
      { code: 451, message: "Try again later" },
      { code: 421, message: "Service not available" },
    ]);
    await publishEvent(log, topic, "tunec.billing.subscription-activated.v1", activated(user.userId));
    await settled(user.userId, 1);
    const [row] = await deliveries(user.userId);
    expect(row).toMatchObject({ status: "sent", attempts: 3, last_error: null });
    expect(await mailTo(user.email)).toHaveLength(1);
  });

  it("gives up at once on a permanent refusal (550), keeping the error", async () => {
    const user = await createUser(database.db, "en");
    smtpFailures.set(user.email, [{ code: 550, message: "No such mailbox" }]);
    await publishEvent(log, topic, "tunec.billing.subscription-activated.v1", activated(user.userId));
    await settled(user.userId, 1);
    const [row] = await deliveries(user.userId);
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row?.last_error).toContain("No such mailbox");
    expect(await mailTo(user.email)).toHaveLength(0);
  });

  it("pushes to every subscription of the user; a 410 from the push service removes that subscription", async () => {
    const user = await createUser(database.db, "ru");
    const phone = pushService.subscribe();
    const laptop = pushService.subscribe();
    for (const browser of [phone, laptop]) {
      await database.db
        .insertInto("notify.push_subscriptions")
        .values({ user_id: user.userId, endpoint: browser.endpoint, p256dh: browser.keys.p256dh, auth: browser.keys.auth })
        .execute();
    }
    pushService.respondWith(laptop.id, 410);
    const event = await publishEvent(log, topic, "tunec.billing.subscription-activated.v1", activated(user.userId));
    await settled(user.userId, 3);
    const pushed = pushService.received.filter((push) => push.subscriptionId === phone.id);
    expect(pushed).toHaveLength(1);
    expect(JSON.parse(pushed[0]?.payload ?? "{}")).toEqual({
      title: "TUNEC Premium подключён",
      body: "Без рекламы и в высоком качестве до 1 января 2027 г.",
      url: "https://tunec.dev/app/account/subscription",
      tag: `tunec-${event.id}`,
    });
    expect(pushed[0]?.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const rows = await deliveries(user.userId);
    expect(rows.map((row) => [row.channel, row.recipient, row.status]).sort()).toEqual(
      [
        ["email", user.email, "sent"],
        ["push", laptop.endpoint, "gone"],
        ["push", phone.endpoint, "sent"],
      ].sort(),
    );
    const left = await database.db.selectFrom("notify.push_subscriptions").select("endpoint").where("user_id", "=", user.userId).execute();
    expect(left.map((row) => row.endpoint)).toEqual([phone.endpoint]);
  });
});
