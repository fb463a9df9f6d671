import { SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { refresh, signUp, signUpWithRoles, type Tokens } from "../../auth/testing.ts";
import { withDb } from "../../playback/testing.ts";

function call(path: string, token: string | null, method = "GET", body?: unknown): Promise<Response> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers["content-type"] = "application/json";
  return SELF.fetch(`https://tunec.test${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

const newArtist = () =>
  withDb((db) =>
    db
      .insertInto("catalog.artists")
      .values({ name: `Label Act ${crypto.randomUUID().slice(0, 6)}` })
      .returning(["id", "name"])
      .executeTakeFirstOrThrow(),
  );

describe("artist profile managers", () => {
  it("an admin makes a listener a manager: the artist role, the link, an audit entry and a mail to them", async () => {
    const artist = await newArtist();
    const admin = await signUpWithRoles(["listener", "admin"]);
    const staff = await signUp();
    const staffId = String(decodeJwt(staff.access_token).sub);

    const added = await call(`/admin/artists/${artist.id}/managers`, admin.access_token, "POST", { email: staff.email.toUpperCase() });
    expect(added.status).toBe(200);
    expect(await added.json()).toMatchObject({ user_id: staffId, email: staff.email });
    expect((await call(`/admin/artists/${artist.id}/managers`, admin.access_token, "POST", { email: staff.email })).status).toBe(200);
    const listed = await (await call(`/admin/artists/${artist.id}/managers`, admin.access_token)).json<{ managers: { user_id: string }[] }>();
    expect(listed.managers.map((manager) => manager.user_id)).toEqual([staffId]);

    const refreshed = await (await refresh(staff.refresh_token)).json<Tokens>();
    expect(decodeJwt(refreshed.access_token).roles).toEqual(["listener", "artist"]);
    const facts = await withDb(async (db) => ({
      audit: await db.selectFrom("audit.entries").select(["action", "after"]).where("target_id", "=", artist.id).execute(),
      told: await db
        .selectFrom("events.outbox")
        .select("event")
        .where("type", "=", "tunec.catalog.artist-manager-added.v1")
        .where("key", "=", staffId)
        .execute(),
    }));
    expect(facts.audit).toEqual([{ action: "artist.manager.add", after: { user_id: staffId, roles: ["listener", "artist"] } }]);
    expect(facts.told.map((row) => (row.event as { data: unknown }).data)).toEqual([
      expect.objectContaining({ artistId: artist.id, artistName: artist.name, userId: staffId }),
    ]);

    expect((await call(`/admin/artists/${artist.id}/managers/${staffId}`, admin.access_token, "DELETE")).status).toBe(204);
    expect((await call(`/admin/artists/${artist.id}/managers/${staffId}`, admin.access_token, "DELETE")).status).toBe(404);
    expect((await call(`/admin/artists/${artist.id}/managers`, admin.access_token, "POST", { email: "nobody-here@example.com" })).status).toBe(404);
  });

  it("is for admins only: anonymous 401; listener, artist and editor 403 (an editor cannot grant the artist role)", async () => {
    const artist = await newArtist();
    const target = await signUp();
    const targetId = String(decodeJwt(target.access_token).sub);
    const callers = await Promise.all([signUpWithRoles(["listener"]), signUpWithRoles(["listener", "artist"]), signUpWithRoles(["listener", "editor"])]);
    const routes: Array<[string, string, unknown]> = [
      ["GET", `/admin/artists/${artist.id}/managers`, undefined],
      ["POST", `/admin/artists/${artist.id}/managers`, { email: target.email }],
      ["DELETE", `/admin/artists/${artist.id}/managers/${targetId}`, undefined],
    ];
    for (const [method, path, body] of routes) {
      expect((await call(path, null, method, body)).status, `${method} ${path}`).toBe(401);
      for (const caller of callers) expect((await call(path, caller.access_token, method, body)).status, `${method} ${path}`).toBe(403);
    }
  });
});
