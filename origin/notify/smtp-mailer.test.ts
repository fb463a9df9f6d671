import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../test/processes.ts";
import { DeliveryFailure, type Mailer } from "./ports.ts";
import { startSmtpSink, type SmtpSink } from "./sink/smtp-sink.ts";
import { createSmtpMailer } from "./smtp-mailer.ts";

// The Mailer contract, on nodemailer against a real SMTP server (smtp-server, as the dev sink runs it).
describe("SMTP mailer (nodemailer → smtp-server)", () => {
  let directory: string;
  let sink: SmtpSink;
  let mailer: Mailer;
  let refuse: { code: number; message: string } | undefined;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "tunec-sink-"));
    sink = await startSmtpSink({ directory, smtpPort: await freePort(), httpPort: 0, reject: () => refuse });
    mailer = createSmtpMailer({ url: sink.smtpUrl, from: "TUNEC <noreply@tunec.dev>", timeoutMs: 5_000 });
  });
  afterAll(async () => {
    await mailer?.close();
    await sink?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it("delivers subject, text, HTML and the Message-ID it was given, readable through the sink's HTTP reader", async () => {
    const to = `listener-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const sent = await mailer.send({
      to,
      subject: "Подписка TUNEC Premium активна",
      text: "Здравствуйте! Премиум до 1 января.",
      html: "<p>Здравствуйте! <b>Премиум</b> до 1 января.</p>",
      messageId: "<event-1.abc@tunec.dev>",
    });
    expect(sent.providerMessageId).toMatch(/queued as/);
    const [message] = await sink.messages({ to });
    expect(message).toMatchObject({
      from: "noreply@tunec.dev",
      to: [to],
      subject: "Подписка TUNEC Premium активна",
      messageId: "<event-1.abc@tunec.dev>",
      text: "Здравствуйте! Премиум до 1 января.",
    });
    expect(message?.html).toContain("<b>Премиум</b>");
    const overHttp = (await (await fetch(`${sink.httpUrl}/messages?to=${encodeURIComponent(to)}`)).json()) as Array<{ subject: string }>;
    expect(overHttp.map((m) => m.subject)).toEqual(["Подписка TUNEC Premium активна"]);
  });

  it("reports a 4xx reply as transient and a 5xx reply as permanent", async () => {
    const email = { to: "a@example.com", subject: "s", text: "t", html: "<p>t</p>", messageId: "<x@tunec.dev>" };
    refuse = { code: 451, message: "Try again later" };
    const transient = await mailer.send(email).catch((error: unknown) => error);
    refuse = { code: 550, message: "No such mailbox" };
    const permanent = await mailer.send(email).catch((error: unknown) => error);
    refuse = undefined;
    expect(transient).toBeInstanceOf(DeliveryFailure);
    expect(transient).toMatchObject({ kind: "transient" });
    expect(permanent).toMatchObject({ kind: "permanent" });
  });

  it("reports a server that does not answer as transient", async () => {
    const nobody = createSmtpMailer({ url: `smtp://127.0.0.1:${await freePort()}`, from: "noreply@tunec.dev", timeoutMs: 2_000 });
    try {
      const failure = await nobody
        .send({ to: "a@example.com", subject: "s", text: "t", html: "t", messageId: "<y@tunec.dev>" })
        .catch((error: unknown) => error);
      expect(failure).toMatchObject({ kind: "transient" });
    } finally {
      await nobody.close();
    }
  });
});
