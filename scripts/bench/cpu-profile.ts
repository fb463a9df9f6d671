/**
 * A CPU profile of the Worker in workerd over its inspector (the Chrome
 * DevTools protocol on a WebSocket, as DevTools would take it): Durable
 * Objects run in the same isolate, so one profile covers the Worker and its
 * objects. `summarise` attributes self time to functions and inclusive time to
 * the steps of a request named by the caller.
 */
import { writeFile } from "node:fs/promises";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Profiler {
  stop(file?: string): Promise<CpuProfile>;
}

export async function startProfiler(inspectorPort: number, worker = "tunec-gateway"): Promise<Profiler> {
  const socket = new WebSocket(`ws://127.0.0.1:${inspectorPort}/core:user:${worker}`);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", reject, { once: true });
  });
  let id = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.addEventListener("message", (event: MessageEvent) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      const key = ++id;
      waiting.set(key, resolve);
      socket.send(JSON.stringify({ id: key, method, params }));
    });
  await call("Profiler.enable");
  // 200 µs: fine enough for a request of a few milliseconds.
  await call("Profiler.setSamplingInterval", { interval: 200 });
  await call("Profiler.start");
  return {
    async stop(file) {
      const { profile } = (await call("Profiler.stop")) as { profile: CpuProfile };
      socket.close();
      if (file) await writeFile(file, JSON.stringify(profile));
      return profile;
    },
  };
}

/** Self time per function (top `limit`) and inclusive time of the named steps, in % of all samples. */
export function summarise(profile: CpuProfile, steps: Record<string, RegExp>, limit = 20): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((sample, i) => {
    selfUs.set(sample, (selfUs.get(sample) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const label = (node: ProfileNode) => node.callFrame.functionName || "(anonymous)";
  const idle = [...selfUs].filter(([nodeId]) => /^\((idle|program|garbage collector)\)$/.test(label(byId.get(nodeId) as ProfileNode)));
  const busy = total - idle.filter(([nodeId]) => label(byId.get(nodeId) as ProfileNode) === "(idle)").reduce((a, [, us]) => a + us, 0);
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  const self = new Map<string, number>();
  for (const [nodeId, us] of selfUs) {
    const node = byId.get(nodeId) as ProfileNode;
    if (label(node) === "(idle)") continue;
    const key = `${label(node)} ${node.callFrame.url.split("/").pop() ?? ""}:${node.callFrame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + us);
  }
  // Inclusive time of a step: samples with a frame of that name on their stack (counted once per sample).
  const inclusive = new Map<string, number>(Object.keys(steps).map((step) => [step, 0]));
  profile.samples.forEach((sample, i) => {
    const seen = new Set<string>();
    for (let nodeId: number | undefined = sample; nodeId !== undefined; nodeId = parent.get(nodeId)) {
      const name = label(byId.get(nodeId) as ProfileNode);
      for (const [step, pattern] of Object.entries(steps)) if (!seen.has(step) && pattern.test(name)) seen.add(step);
    }
    for (const step of seen) inclusive.set(step, (inclusive.get(step) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const lines = [`  busy CPU ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms profiled; inclusive time by step:`];
  for (const [step, us] of inclusive) lines.push(`    ${pct(us)}  ${step}`);
  lines.push("  self time, top functions:");
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, limit)) lines.push(`    ${pct(us)}  ${key}`);
  return lines.join("\n");
}
