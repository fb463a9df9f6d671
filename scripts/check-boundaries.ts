/**
 * The import boundaries of the tree (docs/architecture.md, "Where code lives"), checked over
 * every TypeScript import, `import type` and `import()` included:
 *
 * 1. no import cycle, type-only ones included (they tie two modules together all the same);
 * 2. a context (`workers/<context>/`) imports neither another context's `routes/` nor
 *    `workers/gateway/`, the composition root — only tests and test harnesses (`testing.ts`,
 *    `testing/`) may build the composed app;
 * 3. origin code never reaches a Worker-only module, directly or through other modules:
 *    `routes/` folders, `workers/gateway/`, `workers/platform/`, `durable-objects/`, or a module
 *    importing `cloudflare:*`. What origin needs of a context is its runtime-neutral domain;
 * 4. a context with a `domain/` folder keeps that folder runtime-neutral (nothing in it reaches
 *    Worker-only code), and origin imports that context only through it.
 *
 * Usage: `tsx scripts/check-boundaries.ts [root]` (default: the repository). Prints one line per
 * violation and exits 1 if there is any.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const scannedRoots = ["workers", "durable-objects", "shared", "origin", "scripts", "migrations", "test", "web/src"];
const skippedDirectories = new Set(["node_modules", ".data", ".cache", ".wrangler", "public", "fixtures"]);

export interface Violation {
  rule: "cycle" | "context-boundary" | "origin-worker-only" | "domain";
  message: string;
}

interface ModuleImports {
  /** Repository-relative paths of the modules this one imports (relative specifiers only). */
  local: string[];
  /** Package and runtime specifiers (`hono`, `cloudflare:workers`). */
  bare: string[];
}

function listSources(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (skippedDirectories.has(entry.name) || entry.name.startsWith(".")) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|tsx|mts)$/.test(entry.name)) out.push(path.relative(root, full).split(path.sep).join("/"));
    }
  };
  for (const dir of scannedRoots) {
    const full = path.join(root, dir);
    if (existsSync(full) && statSync(full).isDirectory()) walk(full);
  }
  // Top-level config modules (vitest.config.ts) import into the tree too.
  for (const entry of readdirSync(root)) if (/\.(ts|mts)$/.test(entry)) out.push(entry);
  return out.sort();
}

function resolveLocal(root: string, from: string, specifier: string): string | null {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`]) {
    const full = path.join(root, candidate);
    if (existsSync(full) && statSync(full).isFile()) return candidate;
  }
  return null;
}

export function readImports(root: string, files: string[]): Map<string, ModuleImports> {
  const graph = new Map<string, ModuleImports>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(path.join(root, file), "utf8"), true, true);
    const local: string[] = [];
    const bare: string[] = [];
    for (const { fileName } of info.importedFiles) {
      if (fileName.startsWith("./") || fileName.startsWith("../")) {
        const resolved = resolveLocal(root, file, fileName);
        // Assets (?raw, .wasm, .json) are not modules of the graph.
        if (resolved && /\.(ts|tsx|mts)$/.test(resolved)) local.push(resolved);
      } else {
        bare.push(fileName);
      }
    }
    graph.set(file, { local: [...new Set(local)], bare });
  }
  return graph;
}

/** Strongly connected components with more than one module (or a module importing itself). */
function cycles(graph: Map<string, ModuleImports>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const lowlinks = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (start: string): void => {
    // Iterative Tarjan: the tree is deep enough to make recursion a risk.
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }];
    indices.set(start, index);
    lowlinks.set(start, index);
    index += 1;
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: string; next: number };
      const edges = graph.get(frame.node)?.local ?? [];
      if (frame.next < edges.length) {
        const to = edges[frame.next] as string;
        frame.next += 1;
        if (!indices.has(to)) {
          indices.set(to, index);
          lowlinks.set(to, index);
          index += 1;
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) {
          lowlinks.set(frame.node, Math.min(lowlinks.get(frame.node) as number, indices.get(to) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) lowlinks.set(parent.node, Math.min(lowlinks.get(parent.node) as number, lowlinks.get(frame.node) as number));
      if (lowlinks.get(frame.node) === indices.get(frame.node)) {
        const component: string[] = [];
        for (;;) {
          const member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
          if (member === frame.node) break;
        }
        const selfLoop = component.length === 1 && edges.includes(frame.node);
        if (component.length > 1 || selfLoop) found.push(component.sort());
      }
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

const contextOf = (file: string): string | null => /^workers\/([^/]+)\//.exec(file)?.[1] ?? null;
const isTestCode = (file: string): boolean => /\.test\.tsx?$/.test(file) || /(^|\/)testing(\.ts|\/)/.test(file);
const inRoutes = (file: string): boolean => /\/routes\//.test(file);

/** Worker-only by place; a module importing `cloudflare:*` is Worker-only by content (see below). */
const workerOnlyPlace = (file: string): boolean =>
  inRoutes(file) || file.startsWith("workers/gateway/") || file.startsWith("workers/platform/") || file.startsWith("durable-objects/");

export function checkBoundaries(root: string): Violation[] {
  const graph = readImports(root, listSources(root));
  const violations: Violation[] = [];

  for (const component of cycles(graph)) {
    violations.push({ rule: "cycle", message: `import cycle: ${component.join(" ↔ ")}` });
  }

  for (const [file, { local }] of graph) {
    const context = contextOf(file);
    if (context === null || context === "gateway" || isTestCode(file)) continue;
    for (const target of local) {
      if (target.startsWith("workers/gateway/")) {
        violations.push({ rule: "context-boundary", message: `${file} imports the composition root ${target} (use workers/platform/edge/)` });
      } else if (inRoutes(target) && contextOf(target) !== context) {
        violations.push({ rule: "context-boundary", message: `${file} imports another context's route ${target}` });
      }
    }
  }

  // Why a module is Worker-only: itself by place or content, or the first import that makes it so.
  const reason = new Map<string, string | null>();
  const workerOnly = (start: string): string | null => {
    const seen = new Set<string>();
    const dfs = (file: string): string | null => {
      if (reason.has(file)) return reason.get(file) as string | null;
      if (seen.has(file)) return null;
      seen.add(file);
      const imports = graph.get(file);
      let why: string | null = null;
      if (workerOnlyPlace(file)) why = file;
      else if (imports?.bare.some((specifier) => specifier.startsWith("cloudflare:"))) why = `${file} (imports cloudflare:*)`;
      else {
        for (const target of imports?.local ?? []) {
          const below = dfs(target);
          if (below !== null) {
            why = `${file} → ${below}`;
            break;
          }
        }
      }
      // Inside a cycle a "no" may be premature; only a "yes" is final enough to cache.
      if (why !== null) reason.set(file, why);
      return why;
    };
    return dfs(start);
  };

  for (const [file, { local }] of graph) {
    if (!file.startsWith("origin/") || isTestCode(file)) continue;
    for (const target of local) {
      if (target.startsWith("origin/")) continue;
      const why = workerOnly(target);
      if (why !== null) violations.push({ rule: "origin-worker-only", message: `${file} reaches Worker-only code: ${why}` });
    }
  }

  const contextsWithDomain = new Set([...graph.keys()].filter((file) => /^workers\/[^/]+\/domain\//.test(file)).map((file) => contextOf(file)));
  for (const [file, { local }] of graph) {
    if (/^workers\/[^/]+\/domain\//.test(file) && !isTestCode(file)) {
      const why = workerOnly(file);
      if (why !== null) violations.push({ rule: "domain", message: `${file} is domain code but reaches Worker-only code: ${why}` });
    }
    if (!file.startsWith("origin/") || isTestCode(file)) continue;
    for (const target of local) {
      const context = contextOf(target);
      if (context !== null && contextsWithDomain.has(context) && !target.startsWith(`workers/${context}/domain/`) && !isTestCode(target)) {
        violations.push({ rule: "domain", message: `${file} imports ${target}; origin uses the ${context} context through workers/${context}/domain/` });
      }
    }
  }
  return violations;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), ".."));
  const violations = checkBoundaries(root);
  for (const violation of violations) console.log(`${violation.rule}: ${violation.message}`);
  console.log(violations.length === 0 ? "boundaries: ok" : `boundaries: ${violations.length} violation(s)`);
  process.exitCode = violations.length === 0 ? 0 : 1;
}
