import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../shared/config.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { expireStaleUploads } from "./expire.ts";
import { createOriginObjectStore } from "./object-store.ts";

describe.each(databaseKinds())("stale uploads on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });

  const insert = (id: string, expiresAt: Date) =>
    database.db
      .insertInto("ingestion.uploads")
      .values({
        id,
        track_id: crypto.randomUUID(),
        user_id: crypto.randomUUID(),
        artist_id: crypto.randomUUID(),
        title: "Никогда не пришла",
        declared_content_type: "audio/mpeg",
        declared_size_bytes: 1000,
        storage: "r2",
        source_key: `uploads/${id}/source`,
        url_expires_at: expiresAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();

  it("refuses uploads whose URL expired over an hour ago (url_expired + UploadRejected), and leaves fresh ones", async () => {
    const stale = await insert(crypto.randomUUID(), new Date(Date.now() - 2 * 3600_000));
    const fresh = await insert(crypto.randomUUID(), new Date(Date.now() - 60_000));
    expect(await expireStaleUploads(database.db)).toBe(1);
    expect(await expireStaleUploads(database.db)).toBe(0);
    const rows = await database.db.selectFrom("ingestion.uploads").select(["id", "state", "rejection_code"]).where("id", "in", [stale.id, fresh.id]).execute();
    expect(rows.find((r) => r.id === stale.id)).toMatchObject({ state: "rejected", rejection_code: "url_expired" });
    expect(rows.find((r) => r.id === fresh.id)).toMatchObject({ state: "awaiting_upload", rejection_code: null });
    const events = await database.db.selectFrom("events.outbox").select(["id", "type"]).where("key", "=", stale.id).execute();
    expect(events).toEqual([{ id: stale.rejected_event_id, type: "tunec.ingestion.upload-rejected.v1" }]);
  });
});

describe("the origin's bucket settings", () => {
  it("needs STORAGE_INTERNAL_TOKEN without S3, and the S3 credentials with S3_BUCKET", () => {
    expect(() => createOriginObjectStore({ GATEWAY_PORT: 8787, S3_REGION: "auto" })).toThrow(ConfigError);
    expect(() => createOriginObjectStore({ GATEWAY_PORT: 8787, S3_REGION: "auto", S3_BUCKET: "media" })).toThrow(/S3_ACCESS_KEY_ID/);
    expect(createOriginObjectStore({ GATEWAY_PORT: 8787, S3_REGION: "auto", STORAGE_INTERNAL_TOKEN: "x".repeat(32) })).toBeDefined();
  });
});
