/**
 * The whole upload flow on real software: the gateway in workerd (`wrangler
 * dev`, R2 on local disk), the origin services in this process reaching that
 * bucket through the edge's internal endpoint, a real database. An artist
 * uploads a real MP3 through the signed URL and the track is published.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeConfigSchema, parseConfig } from "../../shared/config.ts";
import { withPassword } from "../../shared/db/urls.ts";
import { createLogger } from "../../shared/logger.ts";
import { createHttpObjectStore } from "../../shared/storage/http-object-store.ts";
import { createTestDatabase, type TestDatabase } from "../../shared/testing/test-database.ts";
import { createAudioWorkbench, hasFfmpeg, type AudioWorkbench } from "../../test/audio.ts";
import { freePort, startProcess, waitForHttp, type RunningProcess } from "../../test/processes.ts";
import { catalogWriterService } from "../catalog-writer/service.ts";
import { cdcService } from "../cdc/service.ts";
import { dropTestSlot, readTopics, testSlotName, type TopicReader } from "../cdc/testing/cdc-fixture.ts";
import { createEventLog, type EventBackbone } from "../events/event-log-factory.ts";
import { startOrigin, type OriginHandle } from "../runtime.ts";
import { transcoderService } from "../transcoder/service.ts";
import { ingestionService } from "./service.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const token = "e2e-internal-token-0123456789abcdefghij";
const password = "tuna swims under the midnight bridge";

describe.runIf(hasFfmpeg())("artist upload end to end (wrangler dev + origin)", () => {
  const kind = process.env.DATABASE_URL ? "postgres" : "pglite";
  let database: TestDatabase;
  let bench: AudioWorkbench;
  let dir: string;
  let wrangler: RunningProcess;
  let origin: OriginHandle;
  let backbone: EventBackbone;
  let reader: TopicReader;
  let gateway: string;
  const slot = testSlotName();

  beforeAll(async () => {
    [database, bench] = await Promise.all([createTestDatabase(kind), createAudioWorkbench()]);
    dir = await mkdtemp(join(tmpdir(), "tunec-e2e-"));
    const envFile = join(dir, "secrets.env");
    await writeFile(
      envFile,
      `STORAGE_INTERNAL_TOKEN=${token}\nUPLOAD_SIGNING_KEY=${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url")}\n`,
    );
    const port = await freePort();
    gateway = `http://127.0.0.1:${port}`;
    wrangler = startProcess(
      join(root, "node_modules", ".bin", "wrangler"),
      [
        "dev",
        "--ip",
        "127.0.0.1",
        "--port",
        String(port),
        "--persist-to",
        join(dir, "wrangler"),
        "--env-file",
        envFile,
        "--var",
        "ENVIRONMENT:development",
        "--show-interactive-dev-session=false",
        "--log-level",
        "warn",
      ],
      { ...process.env, CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: withPassword(database.url), WRANGLER_SEND_METRICS: "false" },
      root,
    );
    await waitForHttp(`${gateway}/healthz`, wrangler, 90_000);
    const config = parseConfig(nodeConfigSchema, {
      DATABASE_URL: database.url,
      LOG_LEVEL: "error",
      CDC_SLOT: slot,
      STORAGE_INTERNAL_TOKEN: token,
      STORAGE_EDGE_URL: gateway,
    });
    origin = await startOrigin({ ...config, DATABASE_URL: database.url }, [cdcService, ingestionService, transcoderService, catalogWriterService]);
    backbone = createEventLog({ DATABASE_URL: database.url }, database.db, createLogger({ test: "e2e" }, "error"));
    reader = await readTopics(backbone.log, ["tunec.ingestion.uploads"]);
  }, 180_000);

  afterAll(async () => {
    await reader?.stop();
    await backbone?.log.close();
    await origin?.stop();
    if (wrangler && wrangler.child.exitCode === null) {
      wrangler.child.kill("SIGTERM");
      await Promise.race([wrangler.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (wrangler.child.exitCode === null) wrangler.child.kill("SIGKILL");
    }
    if (kind === "postgres" && database) await dropTestSlot(database.db, slot);
    await Promise.all([database?.drop(), bench?.cleanup(), dir ? rm(dir, { recursive: true, force: true }) : undefined]);
  });

  async function call(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (init.token) headers.set("authorization", `Bearer ${init.token}`);
    if (typeof init.body === "string") headers.set("content-type", "application/json");
    return fetch(`${gateway}${path}`, { ...init, headers });
  }

  async function artistToken(name: string): Promise<string> {
    const email = `artist-${crypto.randomUUID().slice(0, 8)}@example.com`;
    expect((await call("/auth/register", { method: "POST", body: JSON.stringify({ email, password }) })).status).toBe(202);
    const login = (await (await call("/auth/login", { method: "POST", body: JSON.stringify({ email, password }) })).json()) as {
      refresh_token: string;
      access_token: string;
    };
    const userId = JSON.parse(Buffer.from(login.access_token.split(".")[1] ?? "", "base64url").toString()).sub as string;
    // What an admin does: the artist role and a linked artist profile.
    await database.db
      .updateTable("auth.accounts")
      .set({ roles: ["listener", "artist"] })
      .where("id", "=", userId)
      .execute();
    const profile = await database.db.insertInto("catalog.artists").values({ name }).returning("id").executeTakeFirstOrThrow();
    await database.db.insertInto("catalog.artist_managers").values({ artist_id: profile.id, user_id: userId }).execute();
    const refreshed = (await (await call("/auth/refresh", { method: "POST", body: JSON.stringify({ refresh_token: login.refresh_token }) })).json()) as {
      access_token: string;
    };
    return refreshed.access_token;
  }

  async function upload(accessToken: string, path: string, contentType: string, title: string) {
    const bytes = await bench.bytes(path);
    const created = await call("/tracks", {
      method: "POST",
      token: accessToken,
      body: JSON.stringify({ title, content_type: contentType, size_bytes: bytes.byteLength, language: "ru", genres: ["rock"] }),
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as {
      upload_id: string;
      track_id: string;
      upload: { url: string; headers: Record<string, string> };
      complete_url: string;
    };
    const put = await fetch(body.upload.url, { method: "PUT", headers: body.upload.headers, body: bytes });
    expect(put.status).toBe(200);
    const started = Date.now();
    expect((await call(body.complete_url, { method: "POST", token: accessToken })).status).toBe(202);
    return { ...body, started };
  }

  async function waitForOutcome(accessToken: string, uploadId: string) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const status = (await (await call(`/uploads/${uploadId}`, { token: accessToken })).json()) as {
        status: string;
        rejection: { code: string; message: string } | null;
      };
      if (status.status === "published" || status.status === "rejected") return status;
      if (Date.now() > deadline) throw new Error(`upload still ${status.status}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it("a real MP3 through the signed URL is published within seconds: catalog row, renditions in R2, TrackPublished", async () => {
    const artist = await artistToken("Кино-тест");
    const file = await bench.make("song.mp3", "mp3", { seconds: 7, frequencies: [196, 247, 294], cover: true });
    const created = await upload(artist, file, "audio/mpeg", "Спокойная ночь");
    const outcome = await waitForOutcome(artist, created.upload_id);
    const elapsed = Date.now() - created.started;
    console.log(`[ingestion e2e] ${kind}: complete → published in ${elapsed} ms`);
    expect(outcome).toMatchObject({ status: "published", rejection: null });
    expect(elapsed).toBeLessThan(20_000);

    const events = await reader.waitFor("TrackPublished", (seen) =>
      seen.some((e) => e.event.type === "tunec.ingestion.track-published.v1" && e.record.key === created.upload_id),
    );
    expect(events.find((e) => e.record.key === created.upload_id)?.event).toMatchObject({ data: { trackId: created.track_id, title: "Спокойная ночь" } });
    const deadline = Date.now() + 20_000;
    let renditions = await database.db.selectFrom("catalog.renditions").selectAll().where("track_id", "=", created.track_id).execute();
    while (renditions.length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      renditions = await database.db.selectFrom("catalog.renditions").selectAll().where("track_id", "=", created.track_id).execute();
    }
    expect(renditions.map((r) => r.quality).sort()).toEqual(["high", "standard"]);
    expect(await database.db.selectFrom("catalog.tracks").select("status").where("id", "=", created.track_id).executeTakeFirst()).toEqual({
      status: "published",
    });

    // The renditions are in the edge's R2 bucket, as playable MP4 audio.
    const bucket = createHttpObjectStore({ baseUrl: gateway, token });
    const high = await bucket.get(`tracks/${created.track_id}/high.m4a`);
    const bytes = new Uint8Array(await new Response(high?.body).arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe("ftyp");
    expect((await bucket.head(`tracks/${created.track_id}/cover.jpg`))?.contentType).toBe("image/jpeg");
  });

  it("a JPEG renamed .mp3 goes the same way and is refused with a reason the artist reads", async () => {
    const artist = await artistToken("Фото-тест");
    const created = await upload(artist, await bench.jpeg("cover.mp3"), "audio/mpeg", "Не песня");
    const outcome = await waitForOutcome(artist, created.upload_id);
    expect(outcome).toMatchObject({ status: "rejected", rejection: { code: "unsupported_format" } });
    expect(outcome.rejection?.message).toContain("image/jpeg");
    expect(await database.db.selectFrom("catalog.tracks").select("id").where("id", "=", created.track_id).executeTakeFirst()).toBeUndefined();
  });
});
