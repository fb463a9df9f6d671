/** Test support: provider answers replayed from fixtures/ (recorded shapes), never the network. */
import { readFileSync } from "node:fs";
import type { HttpClient } from "./sources/index.ts";

const fixtures = new URL("./fixtures/", import.meta.url);

export function fixtureText(name: string): string {
  return readFileSync(new URL(name, fixtures), "utf8");
}

export type Recorded = string | { status: number; fixture?: string; body?: string };

/**
 * An HttpClient answering from fixtures by "METHOD host/path?query" (query
 * sorted, access_token left out); anything not recorded fails the test loudly.
 * @example recordedHttp({ "GET api.music.yandex.net/users/tunec-demo/playlists/1001": "yandex-playlist-1001.json" })
 */
export function recordedHttp(routes: Record<string, Recorded>): HttpClient & { requests: string[] } {
  const requests: string[] = [];
  const client = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    url.searchParams.delete("access_token");
    url.searchParams.sort();
    const query = url.searchParams.toString();
    const key = `${request.method} ${url.host}${url.pathname}${query ? `?${query}` : ""}`;
    requests.push(request.method === "POST" ? `${key} ${await request.clone().text()}` : key);
    const recorded = routes[key];
    if (recorded === undefined) throw new Error(`no recorded answer for ${key}`);
    const { status, fixture, body } = typeof recorded === "string" ? { status: 200, fixture: recorded, body: undefined } : recorded;
    return new Response(fixture ? fixtureText(fixture) : (body ?? ""), { status, headers: { "content-type": "application/json; charset=utf-8" } });
  };
  return Object.assign(client, { requests });
}
