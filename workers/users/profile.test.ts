import { beforeAll, describe, expect, it } from "vitest";
import { call, expectJson, signUpUser, withDb, type User } from "./testing.ts";

interface Profile {
  user_id: string;
  display_name: string | null;
  avatar_url: string | null;
  locale: string;
  is_premium: boolean;
}

async function userUpdatedEvents(userId: string): Promise<Array<{ data: { changed: string[]; displayName: string | null; locale: string } }>> {
  return withDb(async (db) => {
    const rows = await db
      .selectFrom("events.outbox")
      .select("event")
      .where("key", "=", userId)
      .where("type", "=", "tunec.users.user-updated.v1")
      .orderBy("created_at")
      .execute();
    return rows.map((row) => (typeof row.event === "string" ? JSON.parse(row.event) : row.event));
  });
}

describe("profiles in workerd", () => {
  let user: User;
  beforeAll(async () => {
    user = await signUpUser();
  });

  it("creates the profile on first read, with defaults and no event", async () => {
    const profile = await expectJson<Profile>(call("GET", "/me/profile", { user }), 200);
    expect(profile).toMatchObject({ user_id: user.userId, display_name: null, avatar_url: null, locale: "ru", is_premium: false });
    expect(await expectJson<Profile>(call("GET", "/me/profile", { user }), 200)).toEqual(profile);
    expect(await userUpdatedEvents(user.userId)).toEqual([]);
  });

  it("changes fields and publishes UserUpdated naming what changed, in the same transaction", async () => {
    const changed = await expectJson<Profile>(
      call("PATCH", "/me/profile", { user, body: { display_name: "Виктор", avatar_url: "https://media.example.com/a.jpg", locale: "en-GB" } }),
      200,
    );
    expect(changed).toMatchObject({ display_name: "Виктор", avatar_url: "https://media.example.com/a.jpg", locale: "en-GB" });
    // The same values again change nothing and publish nothing.
    await expectJson(call("PATCH", "/me/profile", { user, body: { display_name: "Виктор" } }), 200);
    await expectJson(call("PATCH", "/me/profile", { user, body: { display_name: null } }), 200);
    const events = await userUpdatedEvents(user.userId);
    expect(events.map((event) => event.data.changed)).toEqual([["displayName", "avatarUrl", "locale"], ["displayName"]]);
    expect(events[1]?.data).toMatchObject({ displayName: null, locale: "en-GB" });
  });

  it.each([
    ["an empty body", {}],
    ["an unknown field", { nickname: "x" }],
    ["a non-http avatar", { avatar_url: "javascript:alert(1)" }],
    ["a bad locale", { locale: "Russian!" }],
    ["a blank name", { display_name: "   " }],
  ])("refuses %s with a problem", async (_what, body) => {
    const response = await call("PATCH", "/me/profile", { user, body });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
  });

  it("needs a token", async () => {
    expect((await call("GET", "/me/profile")).status).toBe(401);
    expect((await call("PATCH", "/me/profile", { body: { locale: "en" } })).status).toBe(401);
  });
});
