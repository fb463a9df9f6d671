import { mkdtemp, rm, stat } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nodeConfigSchema, parseConfig } from "../../shared/config.ts";
import { freePort } from "../../test/processes.ts";
import { ensureVapidKeys, startNotifyDevServices } from "./dev-services.ts";
import { createSmtpMailer } from "./smtp-mailer.ts";

describe("npm start's notification services", () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), "tunec-notify-dev-"));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("makes a VAPID pair once, keeps it private in DATA_DIR, and lets the environment override it", async () => {
    const dir = await tempDir();
    const first = await ensureVapidKeys(dir, {});
    expect(first.publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    expect(await ensureVapidKeys(dir, {})).toEqual(first);
    expect((await stat(join(dir, "notify-vapid.json"))).mode & 0o777).toBe(0o600);
    expect(await ensureVapidKeys(dir, { VAPID_PUBLIC_KEY: "pub", VAPID_PRIVATE_KEY: "priv" })).toEqual({ publicKey: "pub", privateKey: "priv" });
  });

  it("runs the sink, moving to free ports when the configured one is taken, and mail sent to it is readable over HTTP", async () => {
    const busy: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => busy.listen(port, "127.0.0.1", resolve));
    const config = parseConfig(nodeConfigSchema, { DATA_DIR: await tempDir(), SMTP_SINK_PORT: String(port), SMTP_SINK_HTTP_PORT: String(await freePort()) });
    const services = await startNotifyDevServices(config, {});
    try {
      expect(services.smtpUrl).not.toBe(`smtp://127.0.0.1:${port}`);
      expect(services.originConfig.SMTP_URL).toBe(services.smtpUrl);
      expect(services.wranglerArgs).toEqual(["--var", `VAPID_PUBLIC_KEY:${services.originConfig.VAPID_PUBLIC_KEY}`]);
      const mailer = createSmtpMailer({ url: services.smtpUrl, from: config.MAIL_FROM });
      await mailer.send({ to: "dev@example.com", subject: "Проверка", text: "ok", html: "<p>ok</p>", messageId: "<dev@tunec.dev>" });
      await mailer.close();
      const messages = (await (await fetch(`${services.readerUrl}/messages?to=dev@example.com`)).json()) as Array<{ subject: string; id: string }>;
      expect(messages.map((message) => message.subject)).toEqual(["Проверка"]);
      const raw = await fetch(`${services.readerUrl}/messages/${messages[0]?.id}.eml`);
      expect(raw.headers.get("content-type")).toBe("message/rfc822");
      expect((await fetch(`${services.readerUrl}/messages`, { method: "DELETE" })).status).toBe(204);
      expect(await (await fetch(`${services.readerUrl}/messages`)).json()).toEqual([]);
    } finally {
      await services.stop();
      busy.close();
    }
  });

  it("starts no sink when SMTP_URL names a server", async () => {
    const config = parseConfig(nodeConfigSchema, { DATA_DIR: await tempDir(), SMTP_URL: "smtp://mail.example.com:587" });
    const services = await startNotifyDevServices(config, { SMTP_URL: "smtp://mail.example.com:587" });
    expect(services.readerUrl).toBeUndefined();
    expect(services.originConfig.SMTP_URL).toBe("smtp://mail.example.com:587");
    await services.stop();
  });
});
