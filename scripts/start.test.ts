import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "../shared/db/postgres.ts";
import { freePort, startProcess, waitForHttp, waitForOutput } from "../test/processes.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsx = join(root, "node_modules", ".bin", "tsx");

function baseEnv(): NodeJS.ProcessEnv {
  // `npm start` on the embedded defaults: no DATABASE_URL, no Kafka.
  const { DATABASE_URL: _db, KAFKA_BROKERS: _kafka, ...rest } = process.env;
  return { ...rest, WRANGLER_SEND_METRICS: "false", LOG_LEVEL: "warn" };
}

describe("npm start", () => {
  const dataDirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("exits non-zero naming a malformed setting", async () => {
    const run = startProcess(tsx, ["scripts/start.ts"], { ...baseEnv(), GATEWAY_PORT: "eighty", LOG_LEVEL: "chatty" }, root);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('GATEWAY_PORT: expected a TCP port number (1-65535), got "eighty"');
    expect(run.output()).toContain("LOG_LEVEL");
  });

  it("runs the whole system on the embedded defaults, stops on Ctrl-C, and keeps data across a restart", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "tunec-start-"));
    dataDirs.push(dataDir);
    const env = {
      ...baseEnv(),
      DATA_DIR: dataDir,
      GATEWAY_PORT: String(await freePort()),
      EMBEDDED_DB_PORT: String(await freePort()),
      SBP_SANDBOX_PORT: String(await freePort()),
      USDT_SANDBOX_PORT: String(await freePort()),
    };
    const gateway = `http://127.0.0.1:${env.GATEWAY_PORT}`;
    const databaseUrl = `postgres://postgres@127.0.0.1:${env.EMBEDDED_DB_PORT}/postgres`;

    const first = startProcess(tsx, ["scripts/start.ts"], env, root);
    await waitForOutput(first, "ready —", 120_000);
    const health = await waitForHttp(`${gateway}/healthz`, first, 10_000);
    expect(await health.json()).toMatchObject({ status: "ok", checks: { database: { status: "up" } } });
    expect((await fetch(`${gateway}/openapi.json`)).status).toBe(200);
    expect(first.output()).toContain(`${gateway}/docs`);
    // The payment sandboxes run in-process, so subscribing works without real providers.
    expect((await fetch(`http://127.0.0.1:${env.USDT_SANDBOX_PORT}/v1/status`)).status).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${env.SBP_SANDBOX_PORT}/_sandbox/payments`)).json()).toEqual([]);

    // Signed in before the restart: the token must still be accepted after it (the key is kept in DATA_DIR).
    const account = { email: "restart@example.com", password: "copper-lantern-meadow-17" };
    const json = { "content-type": "application/json" };
    expect((await fetch(`${gateway}/auth/register`, { method: "POST", headers: json, body: JSON.stringify(account) })).status).toBe(202);
    const login = await fetch(`${gateway}/auth/login`, { method: "POST", headers: json, body: JSON.stringify(account) });
    const { access_token: accessToken } = (await login.json()) as { access_token: string };

    const client = createPostgresDatabase(databaseUrl, { maxConnections: 1 });
    await sql`create table public.restart_probe (note text)`.execute(client);
    await sql`insert into public.restart_probe values ('still here')`.execute(client);
    await client.destroy();

    first.child.kill("SIGINT");
    expect(await first.exited).toBe(0);
    await expect(fetch(`${gateway}/healthz`)).rejects.toThrow();

    const second = startProcess(tsx, ["scripts/start.ts"], env, root);
    try {
      await waitForOutput(second, "ready —", 120_000);
      expect(second.output()).toMatch(/migrations: 0 applied, \d+ already applied/);
      const again = createPostgresDatabase(databaseUrl, { maxConnections: 1 });
      const rows = await sql<{ note: string }>`select note from public.restart_probe`.execute(again);
      await again.destroy();
      expect(rows.rows).toEqual([{ note: "still here" }]);
      const me = await fetch(`${gateway}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      expect(me.status).toBe(200);
    } finally {
      second.child.kill("SIGINT");
      await second.exited;
    }
  }, 300_000);
});
