/**
 * `npm start`: the whole system on the embedded defaults in one command —
 * database (PGlite unless DATABASE_URL), migrations, origin services, and the
 * edge in workerd via `wrangler dev`. Ctrl-C stops everything.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, nodeConfigSchema, parseConfig } from "../shared/config.ts";
import { readMigrations } from "../shared/db/migration-files.ts";
import { migrate } from "../shared/db/migrator.ts";
import { createPostgresDatabase } from "../shared/db/postgres.ts";
import { withPassword } from "../shared/db/urls.ts";
import { startOrigin, selectServices, type OriginHandle } from "../origin/runtime.ts";
import { startDemoSeed, type RunningSeed } from "../origin/demo/seed-on-start.ts";
import { ensureIngestionSecrets } from "../origin/ingestion/dev-secrets.ts";
import { startNotifyDevServices } from "../origin/notify/dev-services.ts";
import { startPaymentSandboxes, type PaymentSandboxes } from "../origin/billing-sandbox/index.ts";
import { paymentProvidersConfigSchema } from "../workers/billing/domain/providers/config.ts";
import { resolveDatabase } from "./database-url.ts";
import { ensureDevSigningKeys } from "./dev-signing-keys.ts";
import { prepareAssets } from "./prepare-assets.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

function say(message: string): void {
  console.log(`[tunec] ${message}`);
}

async function waitForHealth(url: string, wrangler: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (wrangler.exitCode !== null) throw new Error(`wrangler dev exited with code ${wrangler.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the gateway did not become healthy within ${timeoutMs / 1000} s`);
}

async function main(): Promise<void> {
  // npm start is the development system (wrangler.toml and the origin default to production).
  process.env.ENVIRONMENT ??= "development";
  const config = parseConfig(nodeConfigSchema, process.env);
  await prepareAssets();
  const database = await resolveDatabase(config);
  say(database.embedded ? `embedded PostgreSQL (PGlite) at ${database.url}, data in ${join(config.DATA_DIR, "pglite")}` : "using DATABASE_URL");

  const migrator = createPostgresDatabase(database.url, { maxConnections: 1 });
  try {
    const result = await migrate(migrator, await readMigrations());
    say(`migrations: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied`);
  } finally {
    await migrator.destroy();
  }

  // Shared by the edge (signing upload URLs, /internal/objects) and the origin (reading the bucket).
  const secrets = await ensureIngestionSecrets(config.DATA_DIR);
  const signingKeysFile = await ensureDevSigningKeys(config.DATA_DIR);
  // The development mail sink (SMTP + HTTP reader) and a VAPID key pair kept in DATA_DIR.
  const notify = await startNotifyDevServices(config, process.env);
  const originConfig = { ...config, DATABASE_URL: database.url, STORAGE_INTERNAL_TOKEN: secrets.STORAGE_INTERNAL_TOKEN, ...notify.originConfig };
  // Local SBP and USDT providers, so subscribing works without real ones; the Worker and the
  // origin reach them (and they reach the gateway's callback routes) through the payment settings.
  process.env.BILLING_CALLBACK_BASE_URL ??= `http://127.0.0.1:${config.GATEWAY_PORT}`;
  // The origin's payment adapters (saga refunds, status polling) read process.env: here, the sandboxes.
  const payments = parseConfig(paymentProvidersConfigSchema, { ...process.env, ENVIRONMENT: "development" });
  const sandboxes: PaymentSandboxes = await startPaymentSandboxes(payments);
  // Passed through when set: the payment settings, the upload sizes (tests make multipart start small), sign-in providers.
  const paymentVars = [
    "BILLING_CALLBACK_BASE_URL",
    "PAYMENT_SANDBOX_HOST",
    "SBP_SANDBOX_PORT",
    "USDT_SANDBOX_PORT",
    "USDT_REQUIRED_CONFIRMATIONS",
    "UPLOAD_MULTIPART_THRESHOLD_BYTES",
    "UPLOAD_PART_SIZE_BYTES",
    // Sign-in providers (OAUTH_GOOGLE_CLIENT_ID, …), e.g. a local OpenID provider for the browser test.
    ...Object.keys(process.env).filter((name) => /^OAUTH_[A-Z_]+$/.test(name)),
  ].flatMap((name) => (process.env[name] ? ["--var", `${name}:${process.env[name]}`] : []));
  const origin: OriginHandle = await startOrigin(originConfig, selectServices([]));
  say(`origin services: ${origin.services.join(", ") || "(none)"}`);

  const wrangler = spawn(
    join(root, "node_modules", ".bin", "wrangler"),
    [
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(config.GATEWAY_PORT),
      "--persist-to",
      join(config.DATA_DIR, "wrangler"),
      "--env-file",
      secrets.envFile,
      "--env-file",
      signingKeysFile,
      "--show-interactive-dev-session=false",
      "--log-level",
      config.LOG_LEVEL === "debug" ? "debug" : "warn",
      // wrangler.toml says production (what a deploy gets); only this local run is development.
      "--var",
      `ENVIRONMENT:${process.env.ENVIRONMENT}`,
      ...paymentVars,
      ...notify.wranglerArgs,
    ],
    {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
      env: {
        ...process.env,
        CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: withPassword(database.url),
        WRANGLER_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: withPassword(database.url),
        WRANGLER_SEND_METRICS: "false",
      },
    },
  );

  let stopping = false;
  let seed: RunningSeed | undefined;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say("stopping…");
    await seed?.stop();
    if (wrangler.exitCode === null) {
      const exited = new Promise((resolve) => wrangler.once("exit", resolve));
      wrangler.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (wrangler.exitCode === null) wrangler.kill("SIGKILL");
    }
    await origin.stop();
    await sandboxes.stop();
    await notify.stop();
    await database.stop();
    say("stopped");
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  wrangler.on("exit", (code) => {
    if (!stopping) {
      console.error(`[tunec] wrangler dev exited unexpectedly (code ${code})`);
      void shutdown(1);
    }
  });

  const gateway = `http://127.0.0.1:${config.GATEWAY_PORT}`;
  try {
    await waitForHealth(`${gateway}/healthz`, wrangler, 90_000);
  } catch (error) {
    console.error(`[tunec] ${error instanceof Error ? error.message : String(error)}`);
    await shutdown(1);
    return;
  }
  say(`gateway   ${gateway}`);
  say(`web app   ${gateway}/app/`);
  say(`health    ${gateway}/healthz`);
  say(`openapi   ${gateway}/openapi.json`);
  say(`docs      ${gateway}/docs`);
  say(`database  ${database.url}`);
  say(notify.readerUrl ? `mail      ${notify.readerUrl}/messages (SMTP sink ${notify.smtpUrl})` : "mail      sent through SMTP_URL");
  say(`sandbox   SBP (T-Bank API v2) ${sandboxes.sbp.apiUrl}, USDT (NOWPayments) ${sandboxes.usdt.apiUrl}`);
  say(`pay       ${sandboxes.sbp.url}/_sandbox/pay/<id> or ${sandboxes.usdt.url}/_sandbox/pay/<id> (lists: /_sandbox/payments)`);
  say("first admin: npm run admin:create -- --email you@example.com (in another terminal)");
  say("ready — press Ctrl-C to stop");
  seed = startDemoSeed(originConfig, say);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `[tunec] start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
