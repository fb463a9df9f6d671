import { env } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { createEdgeDatabase } from "../platform/edge-database.ts";
import { setRoles } from "./accounts.ts";
import { postJson, refresh, signUp, type Tokens } from "./testing.ts";

async function makeAdmin(tokens: Tokens): Promise<Tokens> {
  const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
  try {
    await setRoles(db, String(decodeJwt(tokens.access_token).sub), ["listener", "admin"]);
  } finally {
    await db.destroy();
  }
  return (await refresh(tokens.refresh_token)).json<Tokens>();
}

const setRolesOf = (id: string, roles: string[], token: string) => postJson(`/admin/accounts/${id}/roles`, { roles }, { authorization: `Bearer ${token}` });

describe("roles", () => {
  it("lets an admin make an artist; the claim arrives at the artist's next refresh", async () => {
    const admin = await makeAdmin(await signUp());
    expect(decodeJwt(admin.access_token).roles).toEqual(["listener", "admin"]);
    const artist = await signUp();
    const artistId = String(decodeJwt(artist.access_token).sub);

    const response = await setRolesOf(artistId, ["listener", "artist"], admin.access_token);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: artistId, roles: ["listener", "artist"], sessions_revoked: 0 });
    const refreshed = await (await refresh(artist.refresh_token)).json<Tokens>();
    expect(decodeJwt(refreshed.access_token).roles).toEqual(["listener", "artist"]);
  });

  it("refuses a listener with 403 and an anonymous caller with 401", async () => {
    const listener = await signUp();
    const id = String(decodeJwt(listener.access_token).sub);
    const forbidden = await setRolesOf(id, ["admin"], listener.access_token);
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get("content-type")).toBe("application/problem+json");
    expect(await forbidden.json()).toMatchObject({ code: "FORBIDDEN" });
    expect((await postJson(`/admin/accounts/${id}/roles`, { roles: ["admin"] })).status).toBe(401);
  });

  it("a demotion revokes the account's sessions at once and is audited; editors cannot grant roles", async () => {
    const admin = await makeAdmin(await signUp());
    const other = await makeAdmin(await signUp());
    const otherId = String(decodeJwt(other.access_token).sub);
    // The other admin's access token works on an admin route until the demotion…
    expect((await setRolesOf(otherId, ["listener", "admin"], other.access_token)).status).toBe(200);
    const demotion = await setRolesOf(otherId, ["listener"], admin.access_token);
    expect(await demotion.json()).toMatchObject({ roles: ["listener"], sessions_revoked: 1 });
    // …and not a moment after, though it has not expired.
    expect((await setRolesOf(otherId, ["listener", "admin"], other.access_token)).status).toBe(401);
    expect((await refresh(other.refresh_token)).status).toBe(401);

    const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
    try {
      const audit = await db
        .selectFrom("audit.entries")
        .select(["action", "before", "after", "actor_id"])
        .where("target_id", "=", otherId)
        .orderBy("id")
        .execute();
      expect(audit.at(-1)).toMatchObject({
        action: "account.roles.set",
        before: { roles: ["listener", "admin"] },
        after: { roles: ["listener"] },
        actor_id: String(decodeJwt(admin.access_token).sub),
      });
      const editorTokens = await signUp();
      await setRoles(db, String(decodeJwt(editorTokens.access_token).sub), ["listener", "editor"]);
      const editor = await (await refresh(editorTokens.refresh_token)).json<Tokens>();
      expect((await setRolesOf(otherId, ["listener", "admin"], editor.access_token)).status).toBe(403);
    } finally {
      await db.destroy();
    }
  });

  it("answers 404 for an unknown account and 400 for an unknown role", async () => {
    const admin = await makeAdmin(await signUp());
    expect((await setRolesOf(crypto.randomUUID(), ["artist"], admin.access_token)).status).toBe(404);
    const id = String(decodeJwt(admin.access_token).sub);
    expect((await setRolesOf(id, ["root"], admin.access_token)).status).toBe(400);
  });
});
