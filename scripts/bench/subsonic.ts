/**
 * `npm run bench:subsonic`: one Subsonic client against TUNEC and against a
 * reference server, Debian's supysonic, both serving the demo catalogue on
 * their embedded defaults (TUNEC: `npm start`, PGlite and wrangler dev;
 * supysonic: SQLite under waitress). Prints, for the endpoints both implement,
 * which answers differ in shape (JSON field paths and types, values ignored)
 * and the time to first byte of `search3`, `getAlbumList2` and `stream`.
 *
 *   npm run bench:subsonic [-- --requests 100]
 *
 * Needs ffmpeg and the Debian packages supysonic and python3-waitress.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
import { demoCatalog } from "../../origin/demo/catalog.ts";
import { synthesiseTrack } from "../../origin/demo/synth.ts";
import { root } from "../../test/browser.ts";
import { embeddedSystemEnv, freePort, startProcess, waitForHttp, waitForOutput } from "../../test/processes.ts";

const run = promisify(execFile);
const { values: args } = parseArgs({ options: { requests: { type: "string", default: "100" } } });
const requests = Math.max(10, Number(args.requests));
const cleanups: Array<() => Promise<unknown>> = [];

type Server = { name: string; call(method: string, params?: Record<string, string>): Promise<{ ttfbMs: number; body: string; status: number }> };

function client(name: string, base: string, auth: Record<string, string>): Server {
  return {
    name,
    async call(method, params = {}) {
      const query = new URLSearchParams({ ...auth, v: "1.16.1", c: "tunec-bench", f: "json", ...params });
      const started = performance.now();
      const response = await fetch(`${base}/rest/${method}?${query}`, { signal: AbortSignal.timeout(30_000) });
      const reader = response.body?.getReader();
      const first = reader ? await reader.read() : { value: undefined };
      const ttfbMs = performance.now() - started;
      const chunks = first.value ? [first.value] : [];
      if (reader) for (let part = await reader.read(); !part.done; part = await reader.read()) chunks.push(part.value);
      return { ttfbMs, body: Buffer.concat(chunks).toString("utf8"), status: response.status };
    },
  };
}

/** The demo catalogue as tagged files in a folder, synthesised exactly as `npm start` seeds it. */
async function demoFolder(dir: string): Promise<number> {
  let seed = 0;
  let count = 0;
  for (const artist of demoCatalog) {
    for (const album of artist.albums) {
      const albumDir = join(dir, artist.name, album.title);
      await mkdir(albumDir, { recursive: true });
      for (const [index, track] of album.tracks.entries()) {
        seed++;
        const raw = join(albumDir, `raw-${index}.${track.format}`);
        await synthesiseTrack(track, raw, { seed, cover: album.cover });
        const tagged = join(albumDir, `${String(index + 1).padStart(2, "0")}.${track.format}`);
        const tags = {
          artist: artist.name,
          album_artist: artist.name,
          album: album.title,
          title: track.title,
          track: String(index + 1),
          genre: artist.genres[0] ?? "",
          date: album.releaseDate.slice(0, 4),
        };
        await run("ffmpeg", [
          "-v",
          "error",
          "-y",
          "-i",
          raw,
          "-map",
          "0",
          "-c",
          "copy",
          ...Object.entries(tags).flatMap(([key, value]) => ["-metadata", `${key}=${value}`]),
          tagged,
        ]);
        await rm(raw);
        count++;
      }
    }
  }
  return count;
}

async function startSupysonic(): Promise<Server> {
  const dir = await mkdtemp(join(tmpdir(), "tunec-supysonic-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const music = join(dir, "music");
  const files = await demoFolder(music);
  // supysonic reads ./supysonic.conf: a private SQLite database, cache and socket.
  await writeFile(
    join(dir, "supysonic.conf"),
    `[base]\ndatabase_uri = sqlite:///${dir}/supysonic.db\n[webapp]\ncache_dir = ${dir}/cache\nlog_level = WARNING\n[daemon]\nsocket = ${dir}/supysonic.sock\nrun_watcher = no\n`,
  );
  const password = randomUUID();
  await run("supysonic-cli", ["user", "add", "bench", "-p", password], { cwd: dir });
  await run("supysonic-cli", ["folder", "add", "music", music], { cwd: dir });
  const scan = await run("supysonic-cli", ["folder", "scan", "music"], { cwd: dir });
  console.log(`supysonic: ${files} demo files; ${scan.stdout.trim().split("\n").slice(-2).join("; ")}`);
  const port = await freePort();
  const server = startProcess("supysonic-server", ["-S", "waitress", "-h", "127.0.0.1", "-p", String(port)], process.env, dir);
  cleanups.push(async () => {
    server.child.kill("SIGTERM");
    await server.exited;
  });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/rest/ping?u=bench&p=${password}&v=1.16.1&c=t&f=json`, server, 60_000);
  // supysonic speaks API 1.10.2, before token auth: the hex-encoded password, as older players send it.
  return client("supysonic", base, { u: "bench", p: `enc:${Buffer.from(password).toString("hex")}` });
}

async function startTunec(): Promise<Server> {
  const dataDir = await mkdtemp(join(tmpdir(), "tunec-bench-subsonic-"));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = { ...(await embeddedSystemEnv(dataDir)), SUBSONIC_RATE_LIMIT: "1000000/1m", SUBSONIC_RATE_LIMIT_IP: "1000000/1m" };
  const system = startProcess(join(root, "node_modules", ".bin", "tsx"), ["scripts/start.ts"], env, root);
  cleanups.push(async () => {
    system.child.kill("SIGINT");
    await system.exited;
  });
  await waitForOutput(system, "ready —", 180_000);
  await waitForOutput(system, "tracks published", 240_000);
  const gateway = `http://127.0.0.1:${env.GATEWAY_PORT}`;
  const json = { "content-type": "application/json" };
  const account = JSON.stringify({ email: `bench-${randomUUID()}@example.com`, password: "violet accordion harbour 42" });
  await fetch(`${gateway}/auth/register`, { method: "POST", headers: json, body: account });
  const signedIn = await fetch(`${gateway}/auth/login`, { method: "POST", headers: json, body: account });
  const { access_token: token } = (await signedIn.json()) as { access_token: string };
  const created = await fetch(`${gateway}/me/api-keys`, {
    method: "POST",
    headers: { ...json, authorization: `Bearer ${token}` },
    body: JSON.stringify({ name: "bench" }),
  });
  const { key } = (await created.json()) as { key: string };
  return client("TUNEC", gateway, { apiKey: key });
}

/** Every field path of a JSON value with its type; array items merge into `path[]`. */
function shape(value: unknown, path = "", into = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) {
    into.set(path, "array");
    for (const item of value) shape(item, `${path}[]`, into);
  } else if (value !== null && typeof value === "object") {
    into.set(path || ".", "object");
    for (const [key, child] of Object.entries(value)) shape(child, path ? `${path}.${key}` : key, into);
  } else into.set(path, value === null ? "null" : typeof value);
  return into;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function firstId(server: Server, method: string, params: Record<string, string>, pick: (body: Record<string, unknown>) => unknown): Promise<string> {
  const answer = await server.call(method, params);
  try {
    return String(pick(JSON.parse(answer.body)["subsonic-response"]) ?? "");
  } catch {
    throw new Error(`${server.name} ${method}: unexpected answer ${answer.status} ${answer.body.slice(0, 300)}`);
  }
}

async function main(): Promise<void> {
  const [tunec, supysonic] = await Promise.all([startTunec(), startSupysonic()]);
  const servers = [tunec, supysonic];
  // Ids differ between the servers: each call is built from that server's own answers.
  const idsOf = async (server: Server) => {
    const artist = await firstId(server, "getArtists", {}, (b) => (b.artists as { index: { artist: { id: string }[] }[] }).index[0]?.artist[0]?.id);
    const album = await firstId(
      server,
      "getAlbumList2",
      { type: "alphabeticalByName", size: "5" },
      (b) => (b.albumList2 as { album: { id: string }[] }).album[0]?.id,
    );
    const song = await firstId(server, "getAlbum", { id: album }, (b) => (b.album as { song: { id: string }[] }).song[0]?.id);
    return { artist, album, song };
  };
  const ids = new Map<Server, { artist: string; album: string; song: string }>();
  for (const server of servers) ids.set(server, await idsOf(server));
  const calls: Array<[string, (server: Server) => Record<string, string>]> = [
    ["ping", () => ({})],
    ["getLicense", () => ({})],
    ["getMusicFolders", () => ({})],
    ["getArtists", () => ({})],
    ["getArtist", (s) => ({ id: ids.get(s)?.artist ?? "" })],
    ["getAlbum", (s) => ({ id: ids.get(s)?.album ?? "" })],
    ["getSong", (s) => ({ id: ids.get(s)?.song ?? "" })],
    ["getAlbumList2", () => ({ type: "newest", size: "10" })],
    ["getAlbumList2", () => ({ type: "alphabeticalByName", size: "10" })],
    ["getGenres", () => ({})],
    ["getRandomSongs", () => ({ size: "5" })],
    ["search3", () => ({ query: "Кинолента" })],
  ];

  console.log("\n## Shapes (field paths only one server answers; values ignored)\n");
  console.log("| call | only TUNEC | only supysonic | type differs |\n|---|---|---|---|");
  for (const [method, params] of calls) {
    const [ours, theirs] = await Promise.all(servers.map(async (server) => shape(JSON.parse((await server.call(method, params(server))).body))));
    if (!ours || !theirs) continue;
    const onlyOurs = [...ours.keys()].filter((path) => !theirs.has(path));
    const onlyTheirs = [...theirs.keys()].filter((path) => !ours.has(path));
    const differ = [...ours.keys()]
      .filter((path) => theirs.has(path) && theirs.get(path) !== ours.get(path))
      .map((path) => `${path} (${ours.get(path)} / ${theirs.get(path)})`);
    const label = `${method} ${Object.entries(params(tunec))
      .filter(([key]) => key === "type")
      .map(([, value]) => value)
      .join("")}`.trim();
    const cell = (list: string[]) => {
      const paths = list.map((path) => path.replace(/^subsonic-response\./, ""));
      return paths.length === 0 ? "—" : `${paths.slice(0, 6).join(", ")}${paths.length > 6 ? ` (+${paths.length - 6} more)` : ""}`;
    };
    console.log(`| ${label} | ${cell(onlyOurs)} | ${cell(onlyTheirs)} | ${cell(differ)} |`);
  }

  console.log(`\n## Time to first byte, ${requests} sequential requests after 10 warm-up ones (ms)\n`);
  console.log("| call | TUNEC p50 | TUNEC p95 | supysonic p50 | supysonic p95 | p50 ratio TUNEC/supysonic |\n|---|---:|---:|---:|---:|---:|");
  const timed: Array<[string, string, (server: Server) => Record<string, string>]> = [
    ["search3", "search3", () => ({ query: "Кинолента" })],
    ["getAlbumList2 (newest)", "getAlbumList2", () => ({ type: "newest", size: "20" })],
    ["stream", "stream", (s) => ({ id: ids.get(s)?.song ?? "" })],
  ];
  for (const [label, method, params] of timed) {
    const figures: number[][] = [];
    for (const server of servers) {
      for (let i = 0; i < 10; i++) await server.call(method, params(server));
      const times: number[] = [];
      for (let i = 0; i < requests; i++) {
        const answer = await server.call(method, params(server));
        if (answer.status >= 400) throw new Error(`${server.name} ${method}: HTTP ${answer.status} ${answer.body.slice(0, 200)}`);
        times.push(answer.ttfbMs);
      }
      figures.push(times.sort((a, b) => a - b));
    }
    const [ours = [], theirs = []] = figures;
    const f = (n: number) => n.toFixed(1);
    console.log(
      `| ${label} | ${f(percentile(ours, 50))} | ${f(percentile(ours, 95))} | ${f(percentile(theirs, 50))} | ${f(percentile(theirs, 95))} | ${(percentile(ours, 50) / percentile(theirs, 50)).toFixed(2)} |`,
    );
  }
}

try {
  await main();
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
}
