import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { signUp } from "../../auth/testing.ts";
import { withDb } from "../../ingestion/testing.ts";

const base = "https://tunec.test";
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

interface ImportBody {
  id: string;
  status: string;
  provider: string;
  source: { kind: string; link: string | null; file_name: string | null };
  progress: { total: number | null; processed: number; percent: number | null };
  matched: number;
  unmatched: number;
  added: number;
  error: { code: string; message: string } | null;
  entries?: Array<{ position: number; status: string; title: string; track_title: string | null; score: number | null }>;
  next_cursor?: string | null;
}

const postLink = (token: string, body: unknown) =>
  SELF.fetch(`${base}/me/imports`, { method: "POST", headers: { ...auth(token), "content-type": "application/json" }, body: JSON.stringify(body) });

function postFile(token: string, provider: string, content: BlobPart, name = "export.txt") {
  const form = new FormData();
  form.set("provider", provider);
  form.set("file", new File([content], name, { type: "text/plain" }));
  return SELF.fetch(`${base}/me/imports`, { method: "POST", headers: auth(token), body: form });
}

const get = (token: string, path: string) => SELF.fetch(`${base}${path}`, { headers: auth(token) });

describe("POST /me/imports and GET /me/imports/{id}", () => {
  it("queues a playlist link (202 + Location), returns the same job for the same source, and shows progress and the report", async () => {
    const listener = await signUp();
    const created = await postLink(listener.access_token, { link: "https://music.yandex.ru/users/Tunec-Demo/playlists/1001" });
    expect(created.status).toBe(202);
    const job = await created.json<ImportBody>();
    expect(created.headers.get("location")).toBe(`/me/imports/${job.id}`);
    expect(job).toMatchObject({
      status: "queued",
      provider: "yandex",
      source: { kind: "link", link: "https://music.yandex.ru/users/tunec-demo/playlists/1001", file_name: null },
      progress: { total: null, processed: 0, percent: null },
      error: null,
    });
    const again = await postLink(listener.access_token, {
      link: "https://music.yandex.com/users/tunec-demo/playlists/1001/?utm_source=share",
      provider: "yandex",
    });
    expect(again.status).toBe(202);
    expect((await again.json<ImportBody>()).id).toBe(job.id);

    const queued = await get(listener.access_token, `/me/imports/${job.id}`);
    expect(queued.status).toBe(200);
    expect(queued.headers.get("retry-after")).toBe("2");
    expect(await queued.json()).toMatchObject({ status: "queued", entries: [], next_cursor: null });

    // What the origin worker commits after its first batch (origin/users-import is tested on its own).
    await withDb(async (db) => {
      const track = await db.selectFrom("catalog.tracks").select(["id", "title"]).executeTakeFirst();
      await db
        .insertInto("users.import_entries")
        .values([
          {
            import_id: job.id,
            position: 0,
            artist: "Kino",
            title: "Gruppa krovi",
            external_id: "41235",
            status: "matched",
            track_id: track?.id ?? null,
            score: 0.97,
            added: true,
          },
          { import_id: job.id, position: 1, artist: "Ленинград", title: "Экспонат", external_id: "660001", status: "unmatched", track_id: null, score: 0.3 },
          { import_id: job.id, position: 2, artist: "Queen", title: "Creep", external_id: null, track_id: null, score: null },
          { import_id: job.id, position: 3, artist: "Radiohead", title: "Creep", external_id: null, track_id: null, score: null },
        ])
        .execute();
      await db
        .updateTable("users.imports")
        .set({ status: "matching", total: 4, processed: 2, matched: 1, unmatched: 1, added: 1 })
        .where("id", "=", job.id)
        .execute();
    });
    const running = await (await get(listener.access_token, `/me/imports/${job.id}`)).json<ImportBody>();
    expect(running).toMatchObject({ status: "matching", progress: { total: 4, processed: 2, percent: 50 }, matched: 1, unmatched: 1, added: 1 });
    expect(running.entries?.map((entry) => entry.status)).toEqual(["matched", "unmatched", "pending", "pending"]);
    expect(running.entries?.[0]?.score).toBeCloseTo(0.97);

    const unmatched = await (await get(listener.access_token, `/me/imports/${job.id}?status=unmatched`)).json<ImportBody>();
    expect(unmatched.entries?.map((entry) => entry.title)).toEqual(["Экспонат"]);
    const first = await (await get(listener.access_token, `/me/imports/${job.id}?limit=3`)).json<ImportBody>();
    expect(first.entries).toHaveLength(3);
    const rest = await (await get(listener.access_token, `/me/imports/${job.id}?limit=3&cursor=${first.next_cursor}`)).json<ImportBody>();
    expect(rest.entries?.map((entry) => entry.position)).toEqual([3]);
    expect(rest.next_cursor).toBeNull();
    const wrongFilter = await get(listener.access_token, `/me/imports/${job.id}?status=matched&cursor=${first.next_cursor}`);
    expect(wrongFilter.status).toBe(400);
  });

  it("takes an export file as multipart/form-data, recognising the same bytes again", async () => {
    const listener = await signUp();
    const text = "Кино — Группа крови\nRadiohead - Creep\n";
    const created = await postFile(listener.access_token, "vk", text, "моя-музыка.txt");
    expect(created.status).toBe(202);
    const job = await created.json<ImportBody>();
    expect(job).toMatchObject({ status: "queued", provider: "vk", source: { kind: "file", link: null, file_name: "моя-музыка.txt" } });
    const again = await postFile(listener.access_token, "vk", text, "renamed.txt");
    expect((await again.json<ImportBody>()).id).toBe(job.id);
    const stored = await withDb((db) =>
      db.selectFrom("users.imports").select(["source_ref", "source_file"]).where("id", "=", job.id).executeTakeFirstOrThrow(),
    );
    expect(stored.source_ref).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(stored.source_file).toBe(text);
  });

  it("refuses bad input with clear problems", async () => {
    const listener = await signUp();
    const badLink = await postLink(listener.access_token, { link: "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M" });
    expect(badLink.status).toBe(400);
    expect(await badLink.json()).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ field: "body.link" }] });
    const mismatch = await postLink(listener.access_token, { link: "https://vk.com/music/playlist/-2000_7_abcdef12", provider: "yandex" });
    expect(await mismatch.json()).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ field: "body.provider" }] });
    const unknownProvider = await postFile(listener.access_token, "spotify", "a - b");
    expect(await unknownProvider.json()).toMatchObject({ status: 400, errors: [{ field: "form.provider" }] });
    expect((await postFile(listener.access_token, "vk", "")).status).toBe(400);
    const binary = await postFile(listener.access_token, "vk", new Uint8Array([0xff, 0xfe, 0x00, 0x81]));
    expect(await binary.json()).toMatchObject({ status: 400, errors: [{ field: "form.file" }] });
    const huge = await postFile(listener.access_token, "vk", "x".repeat(4 * 1024 * 1024 + 1));
    expect(huge.status).toBe(413);
    // A hostile export (one long line of spaces, no dash; or very many lines) is refused at upload.
    const longLine = await postFile(listener.access_token, "vk", `a${" ".repeat(1_000_000)}b`);
    expect(longLine.status).toBe(413);
    expect(await longLine.json()).toMatchObject({ errors: [{ field: "form.file" }] });
    expect((await postFile(listener.access_token, "vk", "a - b\n".repeat(20_001))).status).toBe(413);
    const plain = await SELF.fetch(`${base}/me/imports`, {
      method: "POST",
      headers: { ...auth(listener.access_token), "content-type": "text/plain" },
      body: "https://music.yandex.ru/users/a/playlists/1",
    });
    expect(plain.status).toBe(415);
    const anonymous = await SELF.fetch(`${base}/me/imports`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(anonymous.status).toBe(401);
  });

  it("hides one user's import from another (404, not 403)", async () => {
    const owner = await signUp();
    const stranger = await signUp();
    const job = await (await postLink(owner.access_token, { link: "https://vk.com/music/playlist/-2000_7_abcdef12" })).json<ImportBody>();
    expect((await get(owner.access_token, `/me/imports/${job.id}`)).status).toBe(200);
    const peek = await get(stranger.access_token, `/me/imports/${job.id}`);
    expect(peek.status).toBe(404);
    expect((await get(stranger.access_token, `/me/imports/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await get(stranger.access_token, "/me/imports/not-a-uuid")).status).toBe(400);
    // The stranger importing the same link gets a job of their own, and lists only theirs.
    const theirs = await (await postLink(stranger.access_token, { link: "https://vk.com/music/playlist/-2000_7_abcdef12" })).json<ImportBody>();
    expect(theirs.id).not.toBe(job.id);
    const listed = await (await get(stranger.access_token, "/me/imports")).json<{ imports: ImportBody[]; next_cursor: string | null }>();
    expect(listed).toEqual({ imports: [expect.objectContaining({ id: theirs.id })], next_cursor: null });
  });

  it("lists the caller's imports newest first, in cursor pages", async () => {
    const listener = await signUp();
    const ids: string[] = [];
    for (const kind of [1, 2, 3]) {
      ids.push((await (await postLink(listener.access_token, { link: `https://music.yandex.ru/users/pager/playlists/${kind}` })).json<ImportBody>()).id);
    }
    const first = await (await get(listener.access_token, "/me/imports?limit=2")).json<{ imports: ImportBody[]; next_cursor: string | null }>();
    expect(first.imports.map((job) => job.id)).toEqual([ids[2], ids[1]]);
    const second = await (await get(listener.access_token, `/me/imports?limit=2&cursor=${first.next_cursor}`)).json<{
      imports: ImportBody[];
      next_cursor: string | null;
    }>();
    expect(second).toEqual({ imports: [expect.objectContaining({ id: ids[0] })], next_cursor: null });
  });
});
