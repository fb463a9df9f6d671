/**
 * The web app end to end on `npm start`, in real Chromium (Debian's
 * /usr/bin/chromium driven by playwright-core): a listener signs up, searches
 * "kino" (Latin for the demo artist «Кинолента»), plays a track until the
 * audio element is past one second, seeks, likes it and finds it among the
 * liked tracks; a reload keeps them signed in through the HttpOnly refresh
 * cookie. axe-core checks the main screens; screenshots go to .ci/out/web/.
 */
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, startProcess, type RunningProcess } from "../test/processes.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsx = join(root, "node_modules", ".bin", "tsx");
const screenshots = join(root, ".ci", "out", "web");
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

async function waitForOutput(running: RunningProcess, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!running.output().includes(text)) {
    if (running.child.exitCode !== null || Date.now() > deadline) throw new Error(`expected "${text}" in the output:\n${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[];
}

/** axe-core in the page: the serious and critical violations, as "id: help (n)". */
async function accessibilityProblems(page: Page): Promise<string[]> {
  const source = await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  // Evaluated through the DevTools protocol, which the page's CSP (script-src 'self') does not govern.
  await page.evaluate(source);
  const result = await page.evaluate(async () => (globalThis as unknown as { axe: { run(): Promise<AxeResult> } }).axe.run());
  return result.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical").map((violation) => `${violation.id}: ${violation.help} at ${violation.nodes.map((node) => `${JSON.stringify(node.target)} ${node.failureSummary ?? ""}`).join("; ")}`);
}

const audioTime = (page: Page) => page.$eval("audio", (audio) => (audio as HTMLAudioElement).currentTime);

describe("npm start: the web app in Chromium", () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it("a listener signs up, searches kino, plays and seeks, likes, and stays signed in over a reload", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "tunec-web-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const { DATABASE_URL: _db, KAFKA_BROKERS: _kafka, ...inherited } = process.env;
    const env = {
      ...inherited,
      WRANGLER_SEND_METRICS: "false",
      LOG_LEVEL: "warn",
      DATA_DIR: dataDir,
      GATEWAY_PORT: String(await freePort()),
      EMBEDDED_DB_PORT: String(await freePort()),
      SBP_SANDBOX_PORT: String(await freePort()),
      USDT_SANDBOX_PORT: String(await freePort()),
      SMTP_SINK_PORT: String(await freePort()),
      SMTP_SINK_HTTP_PORT: String(await freePort()),
    };
    const gateway = `http://127.0.0.1:${env.GATEWAY_PORT}`;
    const system = startProcess(tsx, ["scripts/start.ts"], env, root);
    cleanups.push(async () => {
      system.child.kill("SIGINT");
      await system.exited;
    });
    await waitForOutput(system, "ready —", 180_000);
    await waitForOutput(system, "tracks published", 240_000);
    await mkdir(screenshots, { recursive: true });

    const browser: Browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox", "--autoplay-policy=no-user-gesture-required", "--mute-audio"] });
    cleanups.push(() => browser.close());
    const page = await browser.newPage({ locale: "en-GB", viewport: { width: 1280, height: 800 } });

    await page.goto(`${gateway}/`);
    expect(new URL(page.url()).pathname).toBe("/app/");
    await page.getByRole("link", { name: "Sign up" }).click();
    await page.getByLabel("Email").fill("web-listener@example.com");
    await page.getByLabel("Password").fill("violet accordion harbour 42");
    await page.screenshot({ path: join(screenshots, "sign-up.png") });
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();

    await page.getByRole("searchbox", { name: "Search music" }).fill("kino");
    const firstTrack = page.getByRole("list", { name: "Tracks" }).getByRole("listitem").first();
    await firstTrack.waitFor();
    await expect(page.getByRole("link", { name: "Кинолента" }).first().isVisible()).resolves.toBe(true);
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, "search.png") });

    await firstTrack.getByRole("button", { name: /^Play:/ }).click();
    await page.waitForFunction(() => (document.querySelector("audio")?.currentTime ?? 0) > 1, undefined, { timeout: 30_000 });
    // A seek goes through Range requests on the signed media URL.
    await page.$eval("audio", (audio) => ((audio as HTMLAudioElement).currentTime = 10));
    await page.waitForFunction(() => (document.querySelector("audio")?.currentTime ?? 0) >= 10.5, undefined, { timeout: 30_000 });
    expect(await audioTime(page)).toBeGreaterThanOrEqual(10.5);
    await page.screenshot({ path: join(screenshots, "playing.png") });

    await firstTrack.getByRole("button", { name: "Like" }).click();
    await firstTrack.getByRole("button", { name: "Unlike" }).waitFor();
    const title = await firstTrack.locator(".title > a").innerText();
    await page.getByRole("link", { name: "Liked" }).click();
    await page.getByRole("list", { name: "Liked tracks" }).getByRole("link", { name: title }).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, "liked.png") });

    // The track page is a deep link the Worker answers with the app; the refresh cookie signs in again.
    await page.getByRole("list", { name: "Liked tracks" }).getByRole("link", { name: title }).click();
    await page.reload();
    await page.getByRole("heading", { name: title }).waitFor();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    const cookies = await page.context().cookies();
    expect(cookies.find((cookie) => cookie.name === "tunec_refresh")).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/auth" });
    expect(await page.evaluate(() => document.cookie)).not.toContain("tunec_refresh");
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, "track.png") });

    // Russian is one click away.
    await page.getByRole("button", { name: "Русский" }).click();
    await page.getByRole("button", { name: "Выйти" }).waitFor();
  }, 600_000);
});
