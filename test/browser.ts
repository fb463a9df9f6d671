/**
 * What the Chromium suites on `npm start` share: the browser's presence, the
 * embedded system started from scripts/start.ts until its demo is published,
 * Chromium itself, and axe-core's serious and critical findings.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { embeddedSystemEnv, startProcess, waitForOutput, type RunningProcess } from "./processes.ts";

export const root = fileURLToPath(new URL("..", import.meta.url));
export const screenshots = join(root, ".ci", "out", "web");
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const tsx = join(root, "node_modules", ".bin", "tsx");

/**
 * Like the Kafka suites: a machine without the browser skips with a message,
 * CI never does (.ci/run installs it).
 */
export function browserPresent(suite: string): boolean {
  const present = existsSync(chromiumPath) || process.env.CI === "true";
  if (!present) console.warn(`skipping ${suite}: no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`);
  return present;
}

/** Cleanups run in reverse order of registration, failures ignored: a teardown must not hide the test's own failure. */
export class Cleanups {
  private readonly steps: Array<() => Promise<unknown>> = [];
  add(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }
  async run(): Promise<void> {
    for (const step of this.steps.reverse()) await step().catch(() => undefined);
  }
}

export interface EmbeddedSystem {
  gateway: string;
  env: NodeJS.ProcessEnv;
  process: RunningProcess;
}

/**
 * `npm start` (scripts/start.ts) on a fresh data directory and free ports,
 * waited for until the demo catalogue is published. `configure` adds settings
 * that need the gateway's address (e.g. OAuth redirect URIs).
 */
export async function startEmbeddedSystem(
  cleanups: Cleanups,
  options: { name: string; configure?: (base: NodeJS.ProcessEnv, gateway: string) => Promise<NodeJS.ProcessEnv> | NodeJS.ProcessEnv },
): Promise<EmbeddedSystem> {
  const dataDir = await mkdtemp(join(tmpdir(), `tunec-${options.name}-`));
  cleanups.add(() => rm(dataDir, { recursive: true, force: true }));
  const base = await embeddedSystemEnv(dataDir);
  const gateway = `http://127.0.0.1:${base.GATEWAY_PORT}`;
  const env = options.configure ? await options.configure(base, gateway) : base;
  const running = startProcess(tsx, ["scripts/start.ts"], env, root);
  cleanups.add(async () => {
    running.child.kill("SIGINT");
    await running.exited;
  });
  await waitForOutput(running, "ready —", 180_000);
  await waitForOutput(running, "tracks published", 240_000);
  await mkdir(screenshots, { recursive: true });
  return { gateway, env, process: running };
}

/** Debian's Chromium through playwright-core; muted, and allowed to autoplay where a suite plays audio. */
export async function launchChromium(cleanups: Cleanups, options: { autoplay?: boolean } = {}): Promise<Browser> {
  const args = ["--no-sandbox", "--mute-audio", ...(options.autoplay ? ["--autoplay-policy=no-user-gesture-required"] : [])];
  const browser = await chromium.launch({ executablePath: chromiumPath, args });
  cleanups.add(() => browser.close());
  return browser;
}

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[];
}

/** axe-core in the page: the serious and critical violations, as "id: help at targets". */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const source = await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  // Evaluated through the DevTools protocol, which the page's CSP (script-src 'self') does not govern.
  await page.evaluate(source);
  const result = await page.evaluate(async () => (globalThis as unknown as { axe: { run(): Promise<AxeResult> } }).axe.run());
  return result.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} at ${violation.nodes.map((node) => `${JSON.stringify(node.target)} ${node.failureSummary ?? ""}`).join("; ")}`,
    );
}
