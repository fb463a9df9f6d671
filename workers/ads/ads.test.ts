import { beforeAll, describe, expect, it } from "vitest";
import { withDb } from "../ingestion/testing.ts";
import { adsApp, createCampaign, spotBytes, getAd, pauseCampaign, signUpAs, uniqueGenre, type AdsApp, type Listener } from "./testing.ts";

// Every campaign here targets a genre of its own test, so tests (and other suites) never see each other's.
describe("GET /ad", () => {
  let app: AdsApp;
  let admin: Listener;
  beforeAll(async () => {
    app = adsApp();
    admin = await signUpAs(app, "admin");
  });

  it("gives a free listener a creative with signed audio bound to them, and records the impression", async () => {
    const genre = uniqueGenre();
    const campaign = await createCampaign(app, admin, { genres: [genre] });
    const listener = await signUpAs(app);
    const ad = await getAd(app, listener, `?genre=${genre}`);
    expect(ad).toMatchObject({
      campaign_id: campaign.id,
      creative_id: campaign.creativeId,
      image_url: "https://cdn.example.com/banner.png",
      click_url: "https://shop.example.com/?utm=tunec",
      duration_ms: 15_000,
      audio: { content_type: "audio/mp4" },
    });
    const verified = await app.verify(ad?.audio.url ?? "");
    expect(verified).toMatchObject({ ok: true, claims: { objectKey: campaign.audioKey, userId: listener.userId, leaseId: null } });
    expect(Date.parse(ad?.audio.expires_at ?? "")).toBeGreaterThan(Date.now());
    // The media endpoint plays it to this listener, as it plays tracks.
    const media = await app.request(ad?.audio.url ?? "", { headers: { authorization: `Bearer ${listener.token}` } });
    expect(media.status).toBe(200);
    expect(new Uint8Array(await media.arrayBuffer())).toEqual(spotBytes);
    const impression = await withDb((db) =>
      db
        .selectFrom("ads.impressions")
        .selectAll()
        .where("id", "=", ad?.impression_id ?? "")
        .executeTakeFirst(),
    );
    expect(impression).toMatchObject({ user_id: listener.userId, campaign_id: campaign.id, creative_id: campaign.creativeId, genres: [genre] });
  });

  it("answers 204 to a premium listener, even with a campaign for them", async () => {
    const genre = uniqueGenre();
    await createCampaign(app, admin, { genres: [genre] });
    const premium = await signUpAs(app, "premium");
    const response = await app.request(`/ad?genre=${genre}`, { headers: { authorization: `Bearer ${premium.token}` } });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    const served = await withDb((db) => db.selectFrom("ads.impressions").select("id").where("user_id", "=", premium.userId).execute());
    expect(served).toEqual([]);
  });

  it("is 401 without a token or with a bad one", async () => {
    const anonymous = await app.request("/ad");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("content-type")).toContain("application/problem+json");
    expect((await anonymous.json<{ code: string }>()).code).toBe("UNAUTHORIZED");
    const forged = await app.request("/ad", { headers: { authorization: "Bearer not.a.token" } });
    expect(forged.status).toBe(401);
    expect((await forged.json<{ code: string }>()).code).toBe("INVALID_TOKEN");
  });

  it("targets by the genre asked for, or of the track being played", async () => {
    const [rock, jazz] = [uniqueGenre(), uniqueGenre()];
    const rockCampaign = await createCampaign(app, admin, { genres: [rock] });
    const jazzCampaign = await createCampaign(app, admin, { genres: [jazz, "blues"] });
    const trackId = await withDb(async (db) => {
      const artist = await db.insertInto("catalog.artists").values({ name: "Ads test artist" }).returning("id").executeTakeFirstOrThrow();
      const track = await db
        .insertInto("catalog.tracks")
        .values({
          title: "Ads test track",
          artist_id: artist.id,
          duration_ms: 180_000,
          genres: [rock.toUpperCase()],
          status: "published",
          published_at: new Date(),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      return track.id;
    });
    const listener = await signUpAs(app);
    expect((await getAd(app, listener, `?genre=${jazz.toUpperCase()}`))?.campaign_id).toBe(jazzCampaign.id);
    expect((await getAd(app, listener, `?track_id=${trackId}`))?.campaign_id).toBe(rockCampaign.id);
    expect((await getAd(app, listener, `?genre=${uniqueGenre()}`))?.campaign_id).not.toBeOneOf([rockCampaign.id, jazzCampaign.id]);
    const bad = await app.request("/ad?track_id=nope", { headers: { authorization: `Bearer ${listener.token}` } });
    expect(bad.status).toBe(400);
  });

  it("targets by the profile's locale first, else Accept-Language", async () => {
    const genre = uniqueGenre();
    const english = await createCampaign(app, admin, { genres: [genre], languages: ["en"] });
    const russian = await createCampaign(app, admin, { genres: [genre], languages: ["ru"] });
    const withProfile = await signUpAs(app, "free", "en-GB");
    const withoutProfile = await signUpAs(app);
    expect((await getAd(app, withProfile, `?genre=${genre}`, { "accept-language": "ru-RU" }))?.campaign_id).toBe(english.id);
    expect((await getAd(app, withoutProfile, `?genre=${genre}`, { "accept-language": "de;q=0.2, ru-RU, en;q=0.8" }))?.campaign_id).toBe(russian.id);
    // A listener of neither language gets neither.
    expect(await getAd(app, await signUpAs(app), `?genre=${genre}`, { "accept-language": "de" })).toBeNull();
  });

  it("serves the highest priority first and moves on to the next campaign, then to none, as caps are reached", async () => {
    const genre = uniqueGenre();
    const top = await createCampaign(app, admin, { genres: [genre], priority: 10, hourly_cap: 2 });
    const next = await createCampaign(app, admin, { genres: [genre], priority: 5, hourly_cap: 1 });
    const listener = await signUpAs(app);
    const served = [];
    for (let i = 0; i < 4; i++) served.push((await getAd(app, listener, `?genre=${genre}`))?.campaign_id ?? null);
    expect(served).toEqual([top.id, top.id, next.id, null]);
    // The caps are per listener: someone else starts afresh.
    expect((await getAd(app, await signUpAs(app), `?genre=${genre}`))?.campaign_id).toBe(top.id);
  });

  it("never lets parallel requests of one listener overshoot the hourly cap", async () => {
    const genre = uniqueGenre();
    const campaign = await createCampaign(app, admin, { genres: [genre], hourly_cap: 3 });
    const listener = await signUpAs(app);
    const results = await Promise.all(Array.from({ length: 10 }, () => getAd(app, listener, `?genre=${genre}`)));
    expect(results.filter((ad) => ad?.campaign_id === campaign.id)).toHaveLength(3);
    expect(results.filter((ad) => ad === null)).toHaveLength(7);
    const count = await withDb((db) =>
      db
        .selectFrom("ads.impressions")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("user_id", "=", listener.userId)
        .executeTakeFirstOrThrow(),
    );
    expect(Number(count.n)).toBe(3);
  });

  it("serves no paused, not yet started or ended campaign", async () => {
    const genre = uniqueGenre();
    const paused = await createCampaign(app, admin, { genres: [genre] });
    await pauseCampaign(app, admin, paused.id);
    const day = 24 * 3600 * 1000;
    await createCampaign(app, admin, { genres: [genre], starts_at: new Date(Date.now() + day).toISOString() });
    await createCampaign(app, admin, {
      genres: [genre],
      starts_at: new Date(Date.now() - 2 * day).toISOString(),
      ends_at: new Date(Date.now() - day).toISOString(),
    });
    expect(await getAd(app, await signUpAs(app), `?genre=${genre}`)).toBeNull();
  });

  it("records played and clicked beacons once, and only for the listener's own impression", async () => {
    const genre = uniqueGenre();
    await createCampaign(app, admin, { genres: [genre] });
    const listener = await signUpAs(app);
    const ad = await getAd(app, listener, `?genre=${genre}`);
    const beacon = (who: Listener, event: string, id = ad?.impression_id ?? "") =>
      app.request(`/ad/impressions/${id}`, {
        method: "POST",
        headers: { authorization: `Bearer ${who.token}`, "content-type": "application/json" },
        body: JSON.stringify({ event }),
      });
    expect((await beacon(listener, "played")).status).toBe(204);
    const first = await withDb((db) =>
      db
        .selectFrom("ads.impressions")
        .select(["played_at", "clicked_at"])
        .where("id", "=", ad?.impression_id ?? "")
        .executeTakeFirstOrThrow(),
    );
    expect(first.played_at).toBeInstanceOf(Date);
    expect(first.clicked_at).toBeNull();
    expect((await beacon(listener, "played")).status).toBe(204);
    expect((await beacon(listener, "clicked")).status).toBe(204);
    const after = await withDb((db) =>
      db
        .selectFrom("ads.impressions")
        .select(["played_at", "clicked_at"])
        .where("id", "=", ad?.impression_id ?? "")
        .executeTakeFirstOrThrow(),
    );
    expect(after.played_at?.getTime()).toBe(first.played_at?.getTime());
    expect(after.clicked_at).toBeInstanceOf(Date);
    expect((await beacon(await signUpAs(app), "played")).status).toBe(404);
    expect((await beacon(listener, "skipped")).status).toBe(400);
    expect((await beacon(listener, "played", crypto.randomUUID())).status).toBe(404);
  });
});
