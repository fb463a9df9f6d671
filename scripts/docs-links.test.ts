import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// Every relative link in README.md and docs/**/*.md resolves, and so does its #anchor when it
// points into a markdown file (GitHub's heading slugs).

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function markdownFiles(): string[] {
  const out = ["README.md"];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const file = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith(".md")) out.push(file);
    }
  };
  walk("docs");
  return out.sort();
}

/** The text outside fenced code blocks and inline code, where a link is a link. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/`[^`\n]*`/g, "");
}

export function slugs(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").split("\n")) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = (heading[1] as string).replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    out.add(count === 0 ? base : `${base}-${count}`);
  }
  return out;
}

function brokenLinks(file: string): string[] {
  const markdown = readFileSync(path.join(root, file), "utf8");
  const broken: string[] = [];
  for (const match of prose(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const link = match[1] as string;
    if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:
    const [target = "", anchor] = link.split("#");
    const resolved = target === "" ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURIComponent(target)));
    if (!existsSync(path.join(root, resolved))) {
      broken.push(`${file}: ${link} (no ${resolved})`);
      continue;
    }
    if (anchor && resolved.endsWith(".md") && statSync(path.join(root, resolved)).isFile()) {
      if (!slugs(readFileSync(path.join(root, resolved), "utf8")).has(anchor)) broken.push(`${file}: ${link} (no heading #${anchor} in ${resolved})`);
    }
  }
  return broken;
}

describe("documentation links", () => {
  it("resolve, files and #anchors, in README.md and docs/", () => {
    const files = markdownFiles();
    expect(files).toContain("docs/architecture.md");
    expect(files.flatMap(brokenLinks)).toEqual([]);
  });

  it("slugs headings as GitHub does", () => {
    expect([...slugs("# Why Hyperdrive (and not the Neon driver) at the edge\n## `npm run lint`\n## Configuration\n### Configuration\n")]).toEqual([
      "why-hyperdrive-and-not-the-neon-driver-at-the-edge",
      "npm-run-lint",
      "configuration",
      "configuration-1",
    ]);
  });

  it("the README keeps CI's two commands and stays short", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    expect(readme).toContain("npm install && npm start");
    expect(readme).toMatch(/^npm test\s/m);
    expect(readme.split("\n").length).toBeLessThan(250);
  });
});
