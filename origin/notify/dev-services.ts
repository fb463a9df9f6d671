/**
 * What `npm start` adds for notifications on one machine: the SMTP sink
 * (unless SMTP_URL names a real server) with its HTTP reader, and a VAPID key
 * pair made once and kept in DATA_DIR (mode 0600) so browsers' subscriptions
 * keep working across restarts. Variables set in the environment win.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { NodeConfig } from "../../shared/config.ts";
import { startSmtpSink, type SmtpSink } from "./sink/smtp-sink.ts";
import { generateVapidKeys } from "./web-push-sender.ts";

export interface NotifyDevServices {
  /** Settings the origin should run with (SMTP_URL of the sink, the VAPID pair). */
  originConfig: Pick<NodeConfig, "SMTP_URL" | "VAPID_PUBLIC_KEY" | "VAPID_PRIVATE_KEY">;
  /** `--var` arguments giving the Worker the public key (GET /push/vapid-public-key). */
  wranglerArgs: string[];
  smtpUrl: string;
  /** The sink's HTTP reader (GET /messages), when the sink runs. */
  readerUrl: string | undefined;
  stop(): Promise<void>;
}

export async function ensureVapidKeys(dataDir: string, env: Record<string, string | undefined>): Promise<{ publicKey: string; privateKey: string }> {
  if (env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY) return { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY };
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, "notify-vapid.json");
  const stored = await readFile(file, "utf8").then(
    (text) => JSON.parse(text) as { publicKey?: unknown; privateKey?: unknown },
    () => null,
  );
  if (typeof stored?.publicKey === "string" && typeof stored.privateKey === "string") return { publicKey: stored.publicKey, privateKey: stored.privateKey };
  const keys = generateVapidKeys();
  await writeFile(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return keys;
}

function isAddressInUse(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "EADDRINUSE";
}

/** The sink on the configured ports; on a busy port (another `npm start`, a test) on free ones, which the caller prints. */
async function startSink(config: NodeConfig): Promise<SmtpSink> {
  const directory = join(config.DATA_DIR, "mail");
  try {
    return await startSmtpSink({ directory, smtpPort: config.SMTP_SINK_PORT, httpPort: config.SMTP_SINK_HTTP_PORT });
  } catch (error) {
    if (!isAddressInUse(error)) throw error;
    return startSmtpSink({ directory, smtpPort: 0, httpPort: 0 });
  }
}

export async function startNotifyDevServices(config: NodeConfig, env: Record<string, string | undefined>): Promise<NotifyDevServices> {
  const vapid = await ensureVapidKeys(config.DATA_DIR, env);
  const sink = env.SMTP_URL ? undefined : await startSink(config);
  const smtpUrl = sink?.smtpUrl ?? config.SMTP_URL;
  return {
    originConfig: { SMTP_URL: smtpUrl, VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey },
    wranglerArgs: ["--var", `VAPID_PUBLIC_KEY:${vapid.publicKey}`],
    smtpUrl,
    readerUrl: sink?.httpUrl,
    stop: async () => sink?.close(),
  };
}
