import { describe, expect, it } from "vitest";
import { parseImportLink, type ImportLink } from "../../../workers/users/domain/imports/links.ts";
import { fixtureText, recordedHttp } from "../testing.ts";
import { maxExportLineChars, maxExportLines, textExportProblem } from "../../../workers/users/domain/imports/file-limits.ts";
import { parseTextLines, splitArtistTitle } from "./export-file.ts";
import { ImportSourceError } from "./source.ts";
import { vkSource } from "./vk.ts";
import { yandexMusicSource } from "./yandex-music.ts";

function link(url: string): ImportLink {
  const parsed = parseImportLink(url);
  if (!parsed) throw new Error(`not a link: ${url}`);
  return parsed;
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => {
      if (!(error instanceof ImportSourceError)) throw error;
      return { code: error.code, retryable: error.retryable };
    },
  );

describe("Yandex Music adapter (recorded answers)", () => {
  it("reads a public playlist with its tracks", async () => {
    const http = recordedHttp({ "GET api.music.yandex.net/users/tunec-demo/playlists/1001": "yandex-playlist-1001.json" });
    const entries = await yandexMusicSource({ http }).read({ kind: "link", link: link("https://music.yandex.ru/users/Tunec-Demo/playlists/1001/?from=share") });
    expect(entries).toHaveLength(13);
    expect(entries[0]).toEqual({ artists: ["Kino"], title: "Gruppa krovi", externalId: "41235" });
    expect(entries[9]).toEqual({ artists: ["Noize MC", "Монеточка"], title: "Вселенная бесконечна?", externalId: "55501" });
  });

  it("fetches the tracks a lean playlist answer leaves out, in chunks", async () => {
    const http = recordedHttp({
      "GET api.music.yandex.net/users/tunec-demo/playlists/1002": "yandex-playlist-1002-lean.json",
      "POST api.music.yandex.net/tracks": "yandex-tracks-1002.json",
    });
    const entries = await yandexMusicSource({ http, chunkSize: 2 }).read({
      kind: "link",
      link: link("https://music.yandex.ru/users/tunec-demo/playlists/1002"),
    });
    expect(entries.map((entry) => entry.title)).toEqual(["Gruppa krovi", "Звезда по имени Солнце", "Искала", "Bohemian Rhapsody - Remastered 2011"]);
    expect(http.requests.slice(1)).toEqual([
      "POST api.music.yandex.net/tracks track-ids=41235%2C41236",
      "POST api.music.yandex.net/tracks track-ids=283601%2C1710811",
    ]);
  });

  it("tells a missing playlist from a provider outage", async () => {
    const http = recordedHttp({
      "GET api.music.yandex.net/users/tunec-demo/playlists/404": { status: 404, fixture: "yandex-playlist-not-found.json" },
      "GET api.music.yandex.net/users/tunec-demo/playlists/503": { status: 503, body: "" },
    });
    const source = yandexMusicSource({ http });
    expect(await rejection(source.read({ kind: "link", link: link("https://music.yandex.ru/users/tunec-demo/playlists/404") }))).toEqual({
      code: "source_not_found",
      retryable: false,
    });
    expect(await rejection(source.read({ kind: "link", link: link("https://music.yandex.ru/users/tunec-demo/playlists/503") }))).toEqual({
      code: "provider_unavailable",
      retryable: true,
    });
  });

  it("reads a saved playlist answer or text lines as an export file", async () => {
    const source = yandexMusicSource({ http: recordedHttp({}) });
    expect(await source.read({ kind: "file", text: fixtureText("yandex-playlist-1001.json") })).toHaveLength(13);
    expect(await source.read({ kind: "file", text: "Кино — Группа крови\nQueen - Creep" })).toEqual([
      { artists: ["Кино"], title: "Группа крови", externalId: null },
      { artists: ["Queen"], title: "Creep", externalId: null },
    ]);
    expect(await rejection(source.read({ kind: "file", text: '{"response":{"items":[]}}' }))).toEqual({ code: "source_unreadable", retryable: false });
    expect(await rejection(source.read({ kind: "file", text: "{not json" }))).toEqual({ code: "source_unreadable", retryable: false });
  });
});

describe("VK adapter (recorded answers)", () => {
  const playlist = "https://vk.com/music/playlist/2000012345_17_9f3c2a1b0d";
  const page = (offset: number) => `POST api.vk.com/method/audio.get?access_key=9f3c2a1b0d&count=4&offset=${offset}&owner_id=2000012345&playlist_id=17&v=5.131`;

  it("pages through audio.get with the token in the body", async () => {
    const http = recordedHttp({ [page(0)]: "vk-audio-get-page-0.json", [page(4)]: "vk-audio-get-page-4.json" });
    const entries = await vkSource({ http, token: "vk1.a.test-token", pageSize: 4 }).read({ kind: "link", link: link(playlist) });
    expect(entries.map((entry) => `${entry.artists[0]} — ${entry.title}`)).toEqual([
      "Kino — Zakroy za mnoy dver', ya ukhozhu",
      "Кино — Спокойная ночь",
      "Zemfira — Хочешь?",
      "Queen — We Will Rock You",
      "Radiohead — Karma Police",
      "Mumiy Troll — Utekay",
      "Кровосток — Биография",
    ]);
    expect(entries[0]?.externalId).toBe("2000012345_456239000");
    expect(http.requests[0]).toContain("access_token=vk1.a.test-token");
  });

  it("maps VK errors and a missing token to clear codes", async () => {
    const http = recordedHttp({ [page(0)]: "vk-audio-get-denied.json" });
    expect(await rejection(vkSource({ http, token: "t", pageSize: 4 }).read({ kind: "link", link: link(playlist) }))).toEqual({
      code: "source_private",
      retryable: false,
    });
    expect(await rejection(vkSource({ http }).read({ kind: "link", link: link(playlist) }))).toEqual({ code: "provider_not_configured", retryable: false });
  });

  it("reads an export file: a saved audio.get answer or numbered text lines", async () => {
    const source = vkSource({ http: recordedHttp({}) });
    expect(await source.read({ kind: "file", text: fixtureText("vk-audio-get-page-0.json") })).toHaveLength(4);
    expect((await source.read({ kind: "file", text: fixtureText("vk-export.txt") })).map((entry) => [entry.artists[0], entry.title])).toEqual([
      ["Kino", "Gruppa krovi"],
      ["Сплин", "Орбит без сахара"],
      ["Noize MC", "Вселенная бесконечна?"],
      ["Ленинград", "WWW"],
    ]);
  });
});

describe("playlist links", () => {
  it.each([
    ["https://music.yandex.ru/users/Tunec-Demo/playlists/1001", "https://music.yandex.ru/users/tunec-demo/playlists/1001"],
    ["https://music.yandex.com/users/a.b-c/playlists/3?utm_source=x", "https://music.yandex.ru/users/a.b-c/playlists/3"],
    ["https://vk.com/music/playlist/-147845620_2949_6e6d2b0a1d", "https://vk.com/music/playlist/-147845620_2949_6e6d2b0a1d"],
    ["https://m.vk.com/audios123?z=audio_playlist123_45%2F0a1b2c3d", "https://vk.com/music/playlist/123_45_0a1b2c3d"],
    ["https://vk.com/music/album/-2000_7", "https://vk.com/music/playlist/-2000_7"],
  ])("%s → %s", (input, canonical) => {
    expect(parseImportLink(input)?.canonical).toBe(canonical);
  });

  it.each([
    "https://music.yandex.ru/album/123",
    "https://evil.example/users/a/playlists/1",
    "ftp://music.yandex.ru/users/a/playlists/1",
    "not a url",
    "https://vk.com/music/playlist/abc",
  ])("refuses %s", (input) => {
    expect(parseImportLink(input)).toBeNull();
  });
});

describe("text export lines (hostile input)", () => {
  it("splits a line without backtracking: 100k spaces and no dash parse in milliseconds", () => {
    const hostile = `a${" ".repeat(100_000)}b`;
    const started = performance.now();
    expect(splitArtistTitle(hostile)).toBeNull();
    expect(splitArtistTitle(`a${" ".repeat(100_000)}-x`)).toBeNull();
    // The regex this replaced took minutes on this line; a linear scan takes well under 100 ms.
    expect(performance.now() - started).toBeLessThan(100);
  });

  it("keeps the meaning of the old pattern", () => {
    expect(splitArtistTitle("01) Кино — Группа крови")).toEqual({ artist: "Кино", title: "Группа крови" });
    expect(splitArtistTitle("1. AC-DC - Back In Black - Live")).toEqual({ artist: "AC-DC", title: "Back In Black - Live" });
    expect(splitArtistTitle("  Земфира  –  Ромашки ")).toEqual({ artist: "Земфира", title: "Ромашки" });
    expect(splitArtistTitle("no separator-here")).toBeNull();
    expect(splitArtistTitle(" - title only")).toBeNull();
  });

  it("refuses over-long lines and too many lines before parsing", () => {
    expect(() => parseTextLines(`a - ${"b".repeat(maxExportLineChars)}`)).toThrow(/longer than/);
    expect(() => parseTextLines("a - b\n".repeat(maxExportLines + 1))).toThrow(/more than/);
    expect(parseTextLines("a - b\r\n".repeat(maxExportLines - 1))).toHaveLength(maxExportLines - 1);
    expect(textExportProblem(`[${"1,".repeat(100_000)}1]`)).toBeNull();
  });
});
