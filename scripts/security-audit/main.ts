/**
 * Replays the security probes against a running `npm start`:
 *   npm run audit:security [-- http://127.0.0.1:8787]   (or AUDIT_BASE_URL)
 * Account probes read mails from the development sink (AUDIT_MAIL_URL, default http://127.0.0.1:8025).
 * Loads every probes/*.ts (each exports `probes: Probe[]`), prints one line per probe
 * (PASS/FAIL id title detail) and exits non-zero when any probe fails.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Probe, ProbeContext, ProbeResult } from "./probe.ts";

/** No probe may hang the audit: a stuck server is itself a finding. */
const probeTimeoutMs = 30_000;

async function loadProbes(dir: string): Promise<Probe[]> {
  const files = (await readdir(dir)).filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts")).sort();
  const all: Probe[] = [];
  for (const file of files) {
    const module: { probes?: Probe[] } = await import(pathToFileURL(join(dir, file)).href);
    if (!Array.isArray(module.probes)) throw new Error(`${file} exports no probes array`);
    all.push(...module.probes);
  }
  return all;
}

/**
 * Every probe speaks from an address of its own (198.18.0.0/15, set aside for benchmarks), so one
 * probe's sign-ins never use up another's per-address rate limits. Under `wrangler dev` a client's
 * own CF-Connecting-IP passes through (on Cloudflare the edge sets it and nobody else can); a probe
 * that plays a second address sets the header itself.
 */
function fromOwnAddress(ctx: ProbeContext): ProbeContext {
  const address = `198.${18 + Math.floor(Math.random() * 2)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;
  const fetchFrom: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    if (!headers.has("cf-connecting-ip")) headers.set("cf-connecting-ip", address);
    return ctx.fetch(input, { ...init, headers });
  };
  return { ...ctx, fetch: fetchFrom };
}

async function runOne(probe: Probe, ctx: ProbeContext): Promise<ProbeResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no result within ${probeTimeoutMs / 1000} s` }), probeTimeoutMs);
  });
  try {
    return await Promise.race([probe.run(fromOwnAddress(ctx)), timeout]);
  } catch (error) {
    return { ok: false, detail: `threw: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    clearTimeout(timer);
  }
}

async function main(): Promise<number> {
  const baseUrl = (process.argv[2] ?? process.env.AUDIT_BASE_URL ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  let counter = 0;
  const mailUrl = (process.env.AUDIT_MAIL_URL ?? "http://127.0.0.1:8025").replace(/\/+$/, "");
  const ctx: ProbeContext = { baseUrl, mailUrl, fetch: globalThis.fetch.bind(globalThis), email: () => `audit-${run}-${++counter}@example.com` };
  const health = await fetch(`${baseUrl}/healthz`).catch(() => undefined);
  if (!health?.ok) {
    console.error(`FAIL preflight: nothing healthy at ${baseUrl}/healthz (start it with npm start)`);
    return 2;
  }
  const probes = await loadProbes(join(import.meta.dirname, "probes"));
  let failed = 0;
  for (const probe of probes) {
    const result = await runOne(probe, ctx);
    if (!result.ok) failed++;
    console.log(`${result.ok ? "PASS" : "FAIL"} ${probe.id} ${probe.title} — ${result.detail}`);
  }
  console.log(`${probes.length - failed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
