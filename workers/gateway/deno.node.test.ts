import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../shared/testing/test-database.ts";
import { freePort, startProcess, waitForHttp, type RunningProcess } from "../../test/processes.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const deno = `${root}node_modules/.bin/deno`;

// The gateway app has no Cloudflare bindings in it: the same code serves
// under Deno with `deno serve`, on a plain DATABASE_URL.
describe("gateway under Deno", () => {
  let database: TestDatabase;
  let server: RunningProcess;
  let port: number;

  beforeAll(async () => {
    database = await createTestDatabase(process.env.DATABASE_URL ? "postgres" : "pglite");
    port = await freePort();
    server = startProcess(
      deno,
      ["serve", "-A", "--host", "127.0.0.1", "--port", String(port), "workers/gateway/deno.ts"],
      {
        ...process.env,
        DATABASE_URL: database.url,
        DENO_NO_UPDATE_CHECK: "1",
        LOG_LEVEL: "warn",
      },
      root,
    );
  });

  afterAll(async () => {
    server?.child.kill("SIGTERM");
    await server?.exited;
    await database?.drop();
  });

  it("answers /healthz with the database up", async () => {
    const response = await waitForHttp(`http://127.0.0.1:${port}/healthz`, server, 60_000);
    expect(await response.json()).toMatchObject({ status: "ok", checks: { database: { status: "up" } } });
  });

  it("maps errors to problem details there too", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });

  it("answers in Russian from the catalogue in the source tree (no static assets under Deno)", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/nope`, { headers: { "accept-language": "ru" } });
    expect(response.headers.get("content-language")).toBe("ru");
    expect(await response.json()).toMatchObject({ code: "ROUTE_NOT_FOUND", title: "Такого адреса нет" });
  });
});
