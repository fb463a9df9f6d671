import { SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { signUp, signUpWithRoles } from "../auth/testing.ts";

const get = (path: string, token?: string) => SELF.fetch(`https://tunec.test${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

interface Page {
  entries: Array<{ id: string; action: string; target_id: string; before: unknown; after: unknown; actor_id: string | null }>;
  next_before: string | null;
}

describe("GET /admin/audit", () => {
  it("lists what admins did, with before and after, filtered and paged", async () => {
    const admin = await signUpWithRoles(["listener", "admin"]);
    const adminId = String(decodeJwt(admin.access_token).sub);
    const target = await signUp();
    const targetId = String(decodeJwt(target.access_token).sub);
    for (const roles of [["listener", "artist"], ["listener", "artist", "editor"], ["listener"]]) {
      const response = await SELF.fetch(`https://tunec.test/admin/accounts/${targetId}/roles`, {
        method: "POST",
        headers: { authorization: `Bearer ${admin.access_token}`, "content-type": "application/json" },
        body: JSON.stringify({ roles }),
      });
      expect(response.status).toBe(200);
    }
    const all = await (await get(`/admin/audit?target_type=account&target_id=${targetId}`, admin.access_token)).json<Page>();
    expect(all.entries.map((e) => e.after)).toEqual([{ roles: ["listener"] }, { roles: ["listener", "artist", "editor"] }, { roles: ["listener", "artist"] }]);
    expect(all.entries[0]).toMatchObject({ action: "account.roles.set", actor_id: adminId, before: { roles: ["listener", "artist", "editor"] } });

    const first = await (await get(`/admin/audit?target_id=${targetId}&limit=2`, admin.access_token)).json<Page>();
    expect(first.entries).toHaveLength(2);
    const rest = await (await get(`/admin/audit?target_id=${targetId}&limit=2&before=${first.next_before}`, admin.access_token)).json<Page>();
    expect(rest.entries.map((e) => e.id)).toEqual([all.entries[2]?.id]);
    expect(rest.next_before).toBeNull();

    const byActor = await (await get(`/admin/audit?actor_id=${adminId}&action=account.roles.set`, admin.access_token)).json<Page>();
    expect(byActor.entries).toHaveLength(3);
    const future = await (await get(`/admin/audit?target_id=${targetId}&since=2999-01-01T00:00:00Z`, admin.access_token)).json<Page>();
    expect(future.entries).toEqual([]);
  });

  it("is for admins only and validates its filters", async () => {
    expect((await get("/admin/audit")).status).toBe(401);
    for (const roles of [["listener"], ["listener", "artist"], ["listener", "editor"]] as const) {
      expect((await get("/admin/audit", (await signUpWithRoles([...roles])).access_token)).status).toBe(403);
    }
    const admin = await signUpWithRoles(["listener", "admin"]);
    for (const query of ["limit=0", "limit=500", "actor_id=nope", "since=yesterday", "before=abc", "action=DROP%20TABLE"]) {
      expect((await get(`/admin/audit?${query}`, admin.access_token)).status, query).toBe(400);
    }
  });
});
