import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { getWithToken, refresh, signIn, signUp } from "./testing.ts";

interface SessionList {
  sessions: Array<{ id: string; device: string | null; current: boolean; user_agent: string | null }>;
}

describe("GET /auth/sessions and DELETE /auth/sessions/{id}", () => {
  it("lists each signed-in device, marking the current one", async () => {
    const { email, ...phone } = await signUp(undefined, "phone");
    const tv = await signIn(email, "living-room TV");
    const response = await getWithToken("/auth/sessions", tv.access_token);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const { sessions } = await response.json<SessionList>();
    expect(sessions).toHaveLength(2);
    expect(sessions.find((s) => s.id === tv.session_id)).toMatchObject({ device: "living-room TV", current: true });
    expect(sessions.find((s) => s.id === phone.session_id)).toMatchObject({ device: "phone", current: false });
  });

  it("signs another device out at once", async () => {
    const { email, ...phone } = await signUp();
    const tv = await signIn(email, "tv");
    const deleted = await getWithToken(`/auth/sessions/${tv.session_id}`, phone.access_token, "DELETE");
    expect(deleted.status).toBe(204);
    expect((await refresh(tv.refresh_token)).status).toBe(401);
    const { sessions } = await (await getWithToken("/auth/sessions", phone.access_token)).json<SessionList>();
    expect(sessions.map((s) => s.id)).toEqual([phone.session_id]);
    expect((await getWithToken(`/auth/sessions/${tv.session_id}`, phone.access_token, "DELETE")).status).toBe(404);
  });

  it("cannot touch another user's sessions", async () => {
    const alice = await signUp();
    const bob = await signUp();
    const response = await getWithToken(`/auth/sessions/${bob.session_id}`, alice.access_token, "DELETE");
    expect(response.status).toBe(404);
    expect((await refresh(bob.refresh_token)).status).toBe(200);
  });

  it("can sign out its own session; the token then stops working where the DO is asked", async () => {
    const tokens = await signUp();
    expect((await getWithToken(`/auth/sessions/${tokens.session_id}`, tokens.access_token, "DELETE")).status).toBe(204);
    expect((await getWithToken("/auth/sessions", tokens.access_token)).status).toBe(401);
    expect(decodeJwt(tokens.access_token).sid).toBe(tokens.session_id);
  });

  it("needs a token and a well-formed id", async () => {
    const tokens = await signUp();
    expect((await getWithToken("/auth/sessions/not-a-uuid", tokens.access_token, "DELETE")).status).toBe(400);
    const anonymous = await getWithToken(`/auth/sessions/${tokens.session_id}`, "", "DELETE");
    expect(anonymous.status).toBe(401);
  });
});
