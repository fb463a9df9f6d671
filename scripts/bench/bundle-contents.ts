/**
 * What the gateway bundle is made of: reads an esbuild metafile (as written by
 * `wrangler deploy --dry-run --outdir DIR --metafile DIR/meta.json`) and prints
 * the output bytes per package (or per top-level source folder), largest first.
 * Minified bytes: the figures are what the upload carries, before gzip.
 *
 *   npx tsx scripts/bench/bundle-contents.ts /tmp/out/meta.json [--top 15]
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { z } from "zod";

const metafileSchema = z.object({
  outputs: z.record(z.string(), z.object({ bytes: z.number(), inputs: z.record(z.string(), z.object({ bytesInOutput: z.number() })).optional() })),
});

/** `node_modules/@aws-sdk/client-s3/dist/x.js` → `@aws-sdk/client-s3`; own code → its top folder. */
export function packageOf(input: string): string {
  const parts = input.split("/");
  const at = parts.lastIndexOf("node_modules");
  if (at === -1) return parts[0] === ".." || parts[0] === "." ? input : (parts[0] ?? input);
  const name = parts[at + 1] ?? input;
  return name.startsWith("@") ? `${name}/${parts[at + 2] ?? ""}` : name;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "15" } } });
  const file = positionals[0];
  if (!file) throw new Error("usage: bundle-contents.ts META.json [--top N]");
  const meta = metafileSchema.parse(JSON.parse(await readFile(file, "utf8")));
  const totals = new Map<string, number>();
  let all = 0;
  for (const [output, { inputs }] of Object.entries(meta.outputs)) {
    // Source maps are not uploaded as code; wasm modules are not in the metafile (ls the outdir for them).
    if (output.endsWith(".map") || !inputs) continue;
    for (const [input, { bytesInOutput }] of Object.entries(inputs)) {
      const key = packageOf(input);
      totals.set(key, (totals.get(key) ?? 0) + bytesInOutput);
      all += bytesInOutput;
    }
  }
  const rows = [...totals].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top));
  for (const [name, bytes] of rows) console.log(`${(bytes / 1024).toFixed(1).padStart(9)} KiB  ${name}`);
  console.log(`${(all / 1024).toFixed(1).padStart(9)} KiB  total (inputs' bytes in output)`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
