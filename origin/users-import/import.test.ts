import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeConfigSchema, parseConfig } from "../../shared/config.ts";
import { createLogger } from "../../shared/logger.ts";
import { databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { createImport, fileSourceRef, findImport, listImportEntries, type NewImport } from "../../workers/users/domain/imports/repository.ts";
import { createIndexedQualityCatalog } from "../../workers/search/testing/indexed-quality-catalog.ts";
import type { QualityCatalog } from "../../workers/search/testing/quality-catalog.ts";
import { waitFor } from "../events/consumer/testing.ts";
import { usersImportService } from "./service.ts";
import { createImportSources } from "./sources/index.ts";
import { recordedHttp } from "./testing.ts";
import { createImportWorker } from "./worker.ts";

const logger = createLogger({ service: "users-import-test" }, "error");
const playlistLink = "https://music.yandex.ru/users/tunec-demo/playlists/1001";
const http = recordedHttp({
  "GET api.music.yandex.net/users/tunec-demo/playlists/1001": "yandex-playlist-1001.json",
  "GET api.music.yandex.net/users/tunec-demo/playlists/404": { status: 404, fixture: "yandex-playlist-not-found.json" },
  "GET api.music.yandex.net/users/tunec-demo/playlists/503": { status: 503, body: "" },
});

// The import worker end to end on a recorded Yandex Music playlist over the search context's quality catalog.
describe.each(databaseKinds())("import jobs on %s", (kind) => {
  let database: TestDatabase;
  let catalog: QualityCatalog;
  beforeAll(async () => {
    ({ database, catalog } = await createIndexedQualityCatalog(kind));
  });
  afterAll(async () => {
    await database?.drop();
  });

  const worker = (options: Partial<Parameters<typeof createImportWorker>[0]> = {}) =>
    createImportWorker({ db: database.db, sources: createImportSources({ http }), logger, batchSize: 4, ...options });
  const linkImport = (userId: string, link = playlistLink): NewImport => ({
    userId,
    provider: "yandex",
    sourceKind: "link",
    sourceRef: link,
    sourceFile: null,
    fileName: null,
  });
  const likes = async (userId: string) =>
    (await database.db.selectFrom("users.likes").select("target_id").where("user_id", "=", userId).where("target_kind", "=", "track").execute())
      .map((row) => row.target_id)
      .sort();
  const job = async (id: string) => {
    const row = await findImport(database.db, id);
    if (!row) throw new Error("no job");
    return row;
  };

  it("matches a recorded Yandex Music playlist, transliterated titles included, likes the matches and reports the rest", async () => {
    const userId = crypto.randomUUID();
    const { job: created } = await createImport(database.db, linkImport(userId));
    expect(created.status).toBe("queued");
    expect(await worker().once()).toBe(true);
    const done = await job(created.id);
    expect(done).toMatchObject({ status: "completed", total: 13, processed: 13, matched: 10, unmatched: 3, added: 10, error_code: null });

    const matched = await listImportEntries(database.db, created.id, { status: "matched", limit: 100 });
    const byEntry = Object.fromEntries(matched.map((entry) => [`${entry.artist} — ${entry.title}`, entry.track_title]));
    expect(byEntry).toMatchObject({
      "Kino — Gruppa krovi": "Группа крови", // Latin entry, Cyrillic catalog
      "Земфира — Искала": "Iskala", // and the other way round
      "Splin — Vykhoda net": "Выхода нет",
      "Mumiy Troll — Vladivostok 2000": "Владивосток 2000",
      "Alla Pugacheva — Million alykh roz": "Миллион алых роз",
      "Queen — Bohemian Rhapsody - Remastered 2011": "Bohemian Rhapsody",
      "Noize MC, Монеточка — Вселенная бесконечна?": "Вселенная бесконечна?",
    });
    expect(matched.every((entry) => entry.score !== null && entry.score >= 0.9 && entry.added)).toBe(true);
    const unmatched = await listImportEntries(database.db, created.id, { status: "unmatched", limit: 100 });
    expect(unmatched.map((entry) => `${entry.artist} — ${entry.title}`)).toEqual([
      "Ленинград — Экспонат",
      "Daft Punk, Pharrell Williams — Get Lucky",
      "Queen — Don't Stop Me Now",
    ]);
    expect(await likes(userId)).toEqual(matched.map((entry) => entry.track_id).sort());
    expect(await likes(userId)).toContain(catalog.trackIds.get("Группа крови"));

    // The same playlist again: a new job that finds the same matches and adds nothing.
    const { job: again, created: isNew } = await createImport(database.db, linkImport(userId));
    expect(isNew).toBe(true);
    await worker().once();
    expect(await job(again.id)).toMatchObject({ status: "completed", matched: 10, unmatched: 3, added: 0 });
    expect(await likes(userId)).toHaveLength(10);
  });

  it("keeps one unfinished job per source: a repeated POST gets the same job", async () => {
    const userId = crypto.randomUUID();
    const first = await createImport(database.db, linkImport(userId));
    const second = await createImport(database.db, linkImport(userId));
    expect(second).toMatchObject({ created: false, job: { id: first.job.id } });
    const other = await createImport(database.db, linkImport(crypto.randomUUID()));
    expect(other.created).toBe(true);
    await worker().once();
    await worker().once();
  });

  it("commits progress batch by batch, visible while a long import runs, and resumes after a crash", async () => {
    const userId = crypto.randomUUID();
    const lines = Array.from({ length: 120 }, (_, index) => (index % 3 === 0 ? "Kino - Gruppa krovi" : `Artist ${index} - Song number ${index}`)).join("\n");
    const { job: created } = await createImport(database.db, {
      userId,
      provider: "vk",
      sourceKind: "file",
      sourceRef: await fileSourceRef(lines),
      sourceFile: lines,
      fileName: "vk.txt",
    });
    const seen: Array<[string, number | null, number]> = [];
    const crashing = worker({
      batchSize: 25,
      afterBatch: async (running) => {
        const row = await job(running.id); // read on another connection: only committed progress shows
        seen.push([row.status, row.total, row.processed]);
        if (row.processed >= 50) throw new Error("simulated crash after two batches");
      },
    });
    await crashing.once();
    expect(seen).toEqual([
      ["matching", 120, 25],
      ["matching", 120, 50],
    ]);
    const interrupted = await job(created.id);
    expect(interrupted).toMatchObject({ status: "matching", processed: 50, lease_owner: null, error_message: "simulated crash after two batches" });
    // Skip the backoff; another worker resumes after the last committed batch.
    await database.db.updateTable("users.imports").set({ lease_until: null }).where("id", "=", created.id).execute();
    await worker({ batchSize: 25 }).once();
    const done = await job(created.id);
    expect(done).toMatchObject({ status: "completed", total: 120, processed: 120, matched: 40, unmatched: 80, added: 1, attempts: 2 });
    expect(await likes(userId)).toEqual([catalog.trackIds.get("Группа крови")]);
  });

  it("fails a job whose source the user must fix, and retries one whose provider is down", async () => {
    const userId = crypto.randomUUID();
    const { job: missing } = await createImport(database.db, linkImport(userId, "https://music.yandex.ru/users/tunec-demo/playlists/404"));
    await worker().once();
    expect(await job(missing.id)).toMatchObject({ status: "failed", error_code: "source_not_found", total: null });

    const { job: down } = await createImport(database.db, linkImport(userId, "https://music.yandex.ru/users/tunec-demo/playlists/503"));
    await worker().once();
    const retried = await job(down.id);
    expect(retried).toMatchObject({ status: "reading", error_code: null, attempts: 1, lease_owner: null });
    expect(retried.lease_until?.getTime()).toBeGreaterThan(Date.now());
    await database.db.updateTable("users.imports").set({ lease_until: null, attempts: 5 }).where("id", "=", down.id).execute();
    await worker().once();
    expect(await job(down.id)).toMatchObject({ status: "failed", error_code: "provider_unavailable" });
  });

  it("runs as the users-import service and finishes an uploaded export file on its own", async () => {
    const config = { ...parseConfig(nodeConfigSchema, { DATABASE_URL: database.url }), DATABASE_URL: database.url };
    const service = await usersImportService.start({ config, db: database.db, log: logger });
    try {
      const userId = crypto.randomUUID();
      const file = "Кино — Пачка сигарет\nRadiohead — Creep\nНикто — Ничего";
      const { job: created } = await createImport(database.db, {
        userId,
        provider: "yandex",
        sourceKind: "file",
        sourceRef: await fileSourceRef(file),
        sourceFile: file,
        fileName: "list.txt",
      });
      await waitFor(async () => (await job(created.id)).status === "completed", "the import to complete");
      expect(await job(created.id)).toMatchObject({ total: 3, matched: 2, unmatched: 1, source_file: null });
    } finally {
      await service.stop();
    }
  });
});
