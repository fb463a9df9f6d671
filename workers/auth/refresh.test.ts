import { env } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { createEdgeDatabase } from "../platform/edge-database.ts";
import { setPremium } from "./accounts.ts";
import { getWithToken, postJson, refresh, signIn, signUp, type Tokens } from "./testing.ts";

describe("POST /auth/refresh", () => {
  it("rotates: new access and refresh tokens in the same session, the old refresh token spent", async () => {
    const first = await signUp();
    const response = await refresh(first.refresh_token);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const second = await response.json<Tokens>();
    expect(second.session_id).toBe(first.session_id);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(decodeJwt(second.access_token).sid).toBe(first.session_id);
  });

  it("detects reuse: a spent refresh token revokes its whole family, other devices live on", async () => {
    const { email, ...phone } = await signUp();
    const laptop = await signIn(email, "laptop");
    const first = await (await refresh(phone.refresh_token)).json<Tokens>();
    // The holder refreshes again; a thief then replays the first, long-spent token.
    const rotated = await (await refresh(first.refresh_token)).json<Tokens>();

    const replay = await refresh(phone.refresh_token);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ code: "INVALID_REFRESH_TOKEN" });
    // The legitimate holder's newer token dies with the family.
    expect((await refresh(rotated.refresh_token)).status).toBe(401);
    // The revoked session no longer lists, and its access token is refused where the DO is asked.
    expect((await getWithToken("/auth/sessions", rotated.access_token)).status).toBe(401);
    const sessions = await (await getWithToken("/auth/sessions", laptop.access_token)).json<{ sessions: Array<{ id: string }> }>();
    expect(sessions.sessions.map((s) => s.id)).toEqual([laptop.session_id]);
    expect((await refresh(laptop.refresh_token)).status).toBe(200);
  });

  it("answers a client's network retry (two concurrent refreshes with one token) with the same successor, not a sign-out", async () => {
    const tokens = await signUp();
    const responses = await Promise.all([refresh(tokens.refresh_token), refresh(tokens.refresh_token)]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    const [a, b] = await Promise.all(responses.map((r) => r.json<Tokens>()));
    expect(a?.refresh_token).toBe(b?.refresh_token);
    expect(a?.session_id).toBe(tokens.session_id);
    // The winner's new token works: nothing was revoked.
    expect((await refresh(a?.refresh_token ?? "")).status).toBe(200);
  });

  it("refuses unknown, forged and malformed refresh tokens alike", async () => {
    const tokens = await signUp();
    const [userId] = tokens.refresh_token.split(".");
    const forged = `${userId}.${"A".repeat(43)}`;
    for (const token of [forged, "garbage", `${crypto.randomUUID()}.${"B".repeat(43)}`]) {
      const response = await refresh(token);
      expect(response.status, token).toBe(401);
      expect(await response.json()).toMatchObject({
        code: "INVALID_REFRESH_TOKEN",
        detail: "The refresh token is invalid, expired or revoked; sign in again.",
      });
    }
    // A forged secret for a real user does not disturb that user's family.
    expect((await refresh(tokens.refresh_token)).status).toBe(200);
    expect((await postJson("/auth/refresh", {})).status).toBe(400);
  });

  it("re-reads claims: a premium change reaches the next access token (UserUpdated path)", async () => {
    const tokens = await signUp();
    const userId = String(decodeJwt(tokens.access_token).sub);
    expect(decodeJwt(tokens.access_token).is_premium).toBe(false);
    const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
    try {
      expect(await setPremium(db, userId, true)).toBe(true);
    } finally {
      await db.destroy();
    }
    const refreshed = await (await refresh(tokens.refresh_token)).json<Tokens>();
    expect(decodeJwt(refreshed.access_token).is_premium).toBe(true);
  });
});

describe("POST /auth/logout", () => {
  it("revokes the session at once and is idempotent", async () => {
    const tokens = await signUp();
    expect((await postJson("/auth/logout", { refresh_token: tokens.refresh_token })).status).toBe(204);
    expect((await refresh(tokens.refresh_token)).status).toBe(401);
    expect((await postJson("/auth/logout", { refresh_token: tokens.refresh_token })).status).toBe(204);
    expect((await postJson("/auth/logout", { refresh_token: "garbage" })).status).toBe(204);
  });
});
