import { env, SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { refresh, signUp, signUpWithRoles, type Tokens } from "../../auth/testing.ts";
import { createEdgeDatabase } from "../../platform/edge-database.ts";

const base = "https://tunec.test";

async function withDb<T>(work: (db: ReturnType<typeof createEdgeDatabase>) => Promise<T>): Promise<T> {
  const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

function call(path: string, token: string | null, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (init.body !== undefined) headers["content-type"] = "application/json";
  return SELF.fetch(`${base}${path}`, { method: init.method ?? "GET", headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}

interface Application {
  id: string;
  status: string;
  artist_id: string | null;
  reason: string | null;
}

describe("artist onboarding", () => {
  it("a listener applies, the admin approves: a profile managed by the applicant, the artist role, an audit entry", async () => {
    const listener = await signUp();
    const userId = String(decodeJwt(listener.access_token).sub);
    expect((await call("/me/artist-application", listener.access_token)).status).toBe(404);

    const submitted = await call("/me/artist-application", listener.access_token, {
      method: "POST",
      body: { artist_name: "  Звёздный Тунец ", links: ["https://vk.com/tunec"] },
    });
    expect(submitted.status).toBe(201);
    const application = await submitted.json<Application>();
    expect(application).toMatchObject({ status: "pending", artist_name: "Звёздный Тунец", links: ["https://vk.com/tunec"] });
    expect((await call("/me/artist-application", listener.access_token, { method: "POST", body: { artist_name: "Again" } })).status).toBe(409);

    const admin = await signUpWithRoles(["listener", "admin"]);
    const pending = await (await call("/admin/artist-applications?status=pending&limit=100", admin.access_token)).json<{ applications: Application[] }>();
    expect(pending.applications.map((a) => a.id)).toContain(application.id);

    // Two admins approving at once make one profile: the second is told it is decided.
    const [first, second] = await Promise.all([
      call(`/admin/artist-applications/${application.id}/approve`, admin.access_token, { method: "POST" }),
      call(`/admin/artist-applications/${application.id}/approve`, admin.access_token, { method: "POST" }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const approved = await (await call("/me/artist-application", listener.access_token)).json<Application>();
    expect(approved).toMatchObject({ status: "approved" });
    const artistId = approved.artist_id ?? "";

    const facts = await withDb(async (db) => ({
      artists: await db.selectFrom("catalog.artists").select(["id", "name"]).where("name", "=", "Звёздный Тунец").execute(),
      managers: await db.selectFrom("catalog.artist_managers").select("artist_id").where("user_id", "=", userId).execute(),
      audit: await db.selectFrom("audit.entries").select(["action", "actor_id"]).where("target_id", "=", application.id).execute(),
    }));
    expect(facts.artists).toEqual([{ id: artistId, name: "Звёздный Тунец" }]);
    expect(facts.managers).toEqual([{ artist_id: artistId }]);
    expect(facts.audit).toEqual([{ action: "artist_application.approve", actor_id: String(decodeJwt(admin.access_token).sub) }]);

    const refreshed = await (await refresh(listener.refresh_token)).json<Tokens>();
    expect(decodeJwt(refreshed.access_token).roles).toEqual(["listener", "artist"]);

    // The applicant is told (notify mails ArtistApplicationDecided), and search learns of the new profile.
    const events = await withDb(async (db) => ({
      decided: await db
        .selectFrom("events.outbox")
        .select("event")
        .where("type", "=", "tunec.catalog.artist-application-decided.v1")
        .where("key", "=", userId)
        .execute(),
      created: await db.selectFrom("events.outbox").select("event").where("type", "=", "tunec.catalog.artist-updated.v1").where("key", "=", artistId).execute(),
    }));
    expect(events.decided.map((row) => (row.event as { data: unknown }).data)).toEqual([
      expect.objectContaining({ applicationId: application.id, decision: "approved", artistId, artistName: "Звёздный Тунец", reason: null }),
    ]);
    expect(events.created.map((row) => (row.event as { data: { changed: string[] } }).data.changed)).toEqual([["created"]]);
  });

  it("claims an existing profile instead of creating one, and a rejection carries its reason", async () => {
    const claimed = await withDb((db) => db.insertInto("catalog.artists").values({ name: "Claimed Profile" }).returning("id").executeTakeFirstOrThrow());
    const admin = await signUpWithRoles(["listener", "admin"]);

    const claimer = await signUp();
    const claim = await (
      await call("/me/artist-application", claimer.access_token, { method: "POST", body: { artist_name: "Claimed Profile", claim_artist_id: claimed.id } })
    ).json<Application>();
    const approved = await (await call(`/admin/artist-applications/${claim.id}/approve`, admin.access_token, { method: "POST" })).json<Application>();
    expect(approved.artist_id).toBe(claimed.id);

    const hopeful = await signUp();
    const rejected = await (
      await call("/me/artist-application", hopeful.access_token, { method: "POST", body: { artist_name: "Not Yet" } })
    ).json<Application>();
    expect((await call(`/admin/artist-applications/${rejected.id}/reject`, admin.access_token, { method: "POST", body: { reason: "" } })).status).toBe(400);
    const decided = await call(`/admin/artist-applications/${rejected.id}/reject`, admin.access_token, {
      method: "POST",
      body: { reason: "No links to check." },
    });
    expect(decided.status).toBe(200);
    expect(await (await call("/me/artist-application", hopeful.access_token)).json()).toMatchObject({ status: "rejected", reason: "No links to check." });
    const told = await withDb((db) =>
      db
        .selectFrom("events.outbox")
        .select("event")
        .where("type", "=", "tunec.catalog.artist-application-decided.v1")
        .where("key", "=", String(decodeJwt(hopeful.access_token).sub))
        .execute(),
    );
    expect(told.map((row) => (row.event as { data: unknown }).data)).toEqual([
      expect.objectContaining({ decision: "rejected", artistId: null, reason: "No links to check." }),
    ]);
    expect((await call(`/admin/artist-applications/${rejected.id}/approve`, admin.access_token, { method: "POST" })).status).toBe(409);
    // A rejected applicant may apply again.
    expect(
      (
        await call("/me/artist-application", hopeful.access_token, {
          method: "POST",
          body: { artist_name: "Now With Links", links: ["https://example.com/me"] },
        })
      ).status,
    ).toBe(201);
  });

  it("refuses bad input with clear problems", async () => {
    const listener = await signUp();
    const bad = async (body: unknown) =>
      (await call("/me/artist-application", listener.access_token, { method: "POST", body })).json<{ status: number; errors: Array<{ field: string }> }>();
    expect(await bad({ artist_name: "" })).toMatchObject({ status: 400, errors: [{ field: "body.artist_name" }] });
    expect(await bad({ artist_name: "x".repeat(201) })).toMatchObject({ status: 400 });
    expect(await bad({ artist_name: "A", links: ["javascript:alert(1)"] })).toMatchObject({ status: 400 });
    expect(await bad({ artist_name: "A", links: Array.from({ length: 6 }, (_, i) => `https://e.com/${i}`) })).toMatchObject({ status: 400 });
    expect(await bad({ artist_name: "A", claim_artist_id: crypto.randomUUID() })).toMatchObject({ status: 400, errors: [{ field: "body.claim_artist_id" }] });
    const admin = await signUpWithRoles(["listener", "admin"]);
    expect((await call(`/admin/artist-applications/${crypto.randomUUID()}/approve`, admin.access_token, { method: "POST" })).status).toBe(404);
    expect((await call("/admin/artist-applications?status=maybe", admin.access_token)).status).toBe(400);
    expect((await call("/admin/artist-applications?cursor=zzz", admin.access_token)).status).toBe(400);
  });

  it("keeps the admin routes to admins: anonymous 401, listener, artist and editor 403", async () => {
    const id = crypto.randomUUID();
    const routes: Array<[string, string, unknown]> = [
      ["GET", "/admin/artist-applications", undefined],
      ["POST", `/admin/artist-applications/${id}/approve`, undefined],
      ["POST", `/admin/artist-applications/${id}/reject`, { reason: "no" }],
    ];
    const callers = await Promise.all([signUpWithRoles(["listener"]), signUpWithRoles(["listener", "artist"]), signUpWithRoles(["listener", "editor"])]);
    for (const [method, path, body] of routes) {
      expect((await call(path, null, { method, body })).status).toBe(401);
      for (const caller of callers) expect((await call(path, caller.access_token, { method, body })).status).toBe(403);
    }
    expect((await call("/me/artist-application", null)).status).toBe(401);
    expect((await call("/me/artist-application", null, { method: "POST", body: { artist_name: "A" } })).status).toBe(401);
  });
});
