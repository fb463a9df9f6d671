/**
 * The admin console end to end on `npm start`, in real Chromium (Debian's
 * /usr/bin/chromium driven by playwright-core): the first admin (promoted by
 * scripts/admin-create.ts, as the README tells) opens every console tab; edits
 * a demo track's credits, an album's title and cover; creates an artist and
 * merges it into a demo artist; finds a listener's account, makes it an editor
 * and refunds its SBP payment (202, then the refund's progress on the
 * account); creates an ad campaign, pauses it, edits its targeting and adds a
 * creative with real audio; sees the consumer groups' lag and the dead-letter
 * list and replays a dead letter; and filters the audit log for what it did.
 * Each change is checked through the API as well as on screen; axe-core finds
 * no serious or critical violation on any tab; screenshots of each tab (and
 * one at phone width) go to .ci/out/web/console-*.png.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import type { Browser, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAudioWorkbench } from "../test/audio.ts";
import { accessibilityProblems, browserPresent, Cleanups, launchChromium, root, screenshots, startEmbeddedSystem } from "../test/browser.ts";

const tsx = join(root, "node_modules", ".bin", "tsx");
const password = "violet accordion harbour 42";

/** "status body" of a response, for an assertion's message (the body may be gone once the page moved on). */
async function described(response: Response): Promise<string> {
  return `${response.status()} ${await response.text().catch(() => "(body no longer available)")}`;
}

/** The response of the next `method` request whose path ends with `pathSuffix`. */
function nextResponse(page: Page, method: string, pathSuffix: RegExp): Promise<Response> {
  return page.waitForResponse((response) => response.request().method() === method && pathSuffix.test(new URL(response.url()).pathname));
}

describe.runIf(browserPresent("the admin console's browser test"))("npm start: the admin console in Chromium", () => {
  const cleanups = new Cleanups();
  let gateway = "";
  let browser: Browser;
  let env: NodeJS.ProcessEnv = {};
  afterAll(() => cleanups.run());

  beforeAll(async () => {
    ({ gateway, env } = await startEmbeddedSystem(cleanups, { name: "console" }));
    browser = await launchChromium(cleanups);
  }, 420_000);

  /** An access token of the admin, for checking through the API what the console did. */
  async function adminToken(): Promise<string> {
    const response = await fetch(`${gateway}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "console-admin@example.com", password }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  async function apiGet<T>(path: string, token?: string): Promise<T> {
    const response = await fetch(`${gateway}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200);
    return (await response.json()) as T;
  }

  async function checkTab(page: Page, name: string): Promise<void> {
    expect(await accessibilityProblems(page), `axe on the ${name} tab`).toEqual([]);
    await page.screenshot({ path: join(screenshots, `console-${name}.png`), fullPage: true });
  }

  /** Search answers from the index, which CDC fills within seconds; on a busy machine the first query may come too early. */
  async function searchUntilFound(page: Page, box: string, query: string, result: ReturnType<Page["getByRole"]>): Promise<void> {
    const deadline = Date.now() + 30_000;
    do {
      await page.getByLabel(box, { exact: true }).fill("");
      await page.getByLabel(box, { exact: true }).fill(query);
      await result.waitFor({ timeout: 3_000 }).catch(() => undefined);
    } while (!(await result.isVisible()) && Date.now() < deadline);
    await result.waitFor({ timeout: 1_000 });
  }

  it("the first admin works through every tab of the console", async () => {
    // The account whose roles the admin changes.
    const registered = await fetch(`${gateway}/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "console-listener@example.com", password }),
    });
    expect(registered.status, await registered.clone().text()).toBeLessThan(300);
    // It subscribes through the SBP sandbox and pays, so the admin has a payment to refund.
    const listenerLogin = await fetch(`${gateway}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "console-listener@example.com", password }),
    });
    const listenerToken = ((await listenerLogin.json()) as { access_token: string }).access_token;
    const subscribed = await fetch(`${gateway}/subscribe`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${listenerToken}`, "idempotency-key": crypto.randomUUID() },
      body: JSON.stringify({ plan: "monthly", method: "sbp" }),
    });
    expect(subscribed.status, await subscribed.clone().text()).toBeLessThan(300);
    const { instructions } = (await subscribed.json()) as { instructions: { confirmation_url?: string } };
    const providerPaymentId = new URL(instructions.confirmation_url ?? "").pathname.split("/").at(-1);
    const paid = await fetch(`http://127.0.0.1:${env.SBP_SANDBOX_PORT}/_sandbox/payments/${providerPaymentId}/pay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ repeat: 1 }),
    });
    expect(paid.status).toBe(200);

    const page = await (await browser.newContext({ locale: "en-GB", viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${gateway}/app/signup`);
    await page.getByLabel("Email").fill("console-admin@example.com");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    await promisify(execFile)(tsx, ["scripts/admin-create.ts", "--email", "console-admin@example.com"], { cwd: root, env });
    await page.reload(); // the refresh brings the admin role into the token
    await page.getByRole("link", { name: "Admin" }).click();
    const tabs = page.getByRole("navigation", { name: "Console sections" });
    const catalogTabs = page.getByRole("navigation", { name: "Catalog sections" });
    const token = await adminToken();

    // The front desk: applications, the quick track fix, the latest audit entries (the CLI's role grant).
    await page.getByRole("heading", { name: "Artist applications" }).waitFor();
    await page.getByRole("cell", { name: "role.grant", exact: true }).first().waitFor();
    // start.web.test.ts fixes a title here with loose selectors: "Title" and "Save" must each name one control.
    const deskTrack = page.getByRole("button", { name: "Saltwater Chords" });
    await searchUntilFound(page, "Find a track", "Saltwater Chords", deskTrack);
    await deskTrack.click();
    await page.getByLabel("Title").waitFor();
    expect(await page.getByLabel("Title").count()).toBe(1);
    expect(await page.getByRole("button", { name: "Save" }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Take down" }).count()).toBe(1);
    await checkTab(page, "overview");

    // Upload moderation: the demo's uploads, all published.
    await tabs.getByRole("link", { name: "Uploads", exact: true }).click();
    await page.getByRole("heading", { name: "Uploads", level: 2 }).waitFor();
    await page.getByLabel("State").selectOption({ label: "All" });
    await page.locator('.console-card[data-state="published"]').first().waitFor();
    await checkTab(page, "uploads");

    // Catalog, tracks: credit Northern Tuna as producer on a Кинолента track.
    await tabs.getByRole("link", { name: "Catalog", exact: true }).click();
    const track = page.getByRole("button", { name: "Звезда по имени Полдень" });
    await searchUntilFound(page, "Find a track", "Звезда по имени Полдень", track);
    await track.click();
    const editor = page.getByRole("group", { name: "Track editor" });
    await editor.getByRole("list", { name: "Credits" }).getByText("Кинолента").waitFor();
    const creditButton = editor.getByRole("button", { name: "Credit: Northern Tuna", exact: true });
    await searchUntilFound(page, "Find an artist to credit", "Northern Tuna", creditButton);
    await creditButton.click();
    await editor.getByLabel("Role: Northern Tuna").selectOption("producer");
    const creditsSaved = nextResponse(page, "PATCH", /^\/admin\/tracks\/[^/]+$/);
    await editor.getByRole("button", { name: "Save", exact: true }).click();
    const creditsResponse = await creditsSaved;
    expect(creditsResponse.status(), await described(creditsResponse)).toBe(200);
    const trackId = new URL(creditsResponse.url()).pathname.split("/").at(-1) ?? "";
    const credited = await apiGet<{ artists: { name: string; role: string }[] }>(`/tracks/${trackId}`);
    expect(credited.artists.map((artist) => `${artist.name}/${artist.role}`)).toEqual(["Кинолента/main", "Northern Tuna/producer"]);
    await checkTab(page, "catalog-tracks");

    // Catalog, albums: retitle Deep Blue Sine.
    await catalogTabs.getByRole("link", { name: "Albums" }).click();
    const album = page.getByRole("button", { name: "Open: Deep Blue Sine" });
    await searchUntilFound(page, "Find an album", "Deep Blue Sine", album);
    await album.click();
    await page.getByLabel("Album title").fill("Deep Blue Sine (Remastered)");
    const albumSaved = nextResponse(page, "PATCH", /^\/admin\/albums\/[^/]+$/);
    await page.getByRole("button", { name: "Save album" }).click();
    const albumResponse = await albumSaved;
    expect(albumResponse.status(), await described(albumResponse)).toBe(200);
    const albumId = new URL(albumResponse.url()).pathname.split("/").at(-1) ?? "";
    const retitled = await apiGet<{ title: string; cover_url: string | null }>(`/albums/${albumId}`);
    expect(retitled.title).toBe("Deep Blue Sine (Remastered)");
    // A new cover: the image's own bytes as the body, under a new key.
    const bench = await createAudioWorkbench();
    cleanups.add(() => bench.cleanup());
    await page.getByLabel("New cover (JPEG, PNG or WebP, up to 10 MiB)").setInputFiles(await bench.jpeg("cover.jpg"));
    const coverPut = nextResponse(page, "PUT", /^\/admin\/albums\/[^/]+\/cover$/);
    await page.getByRole("button", { name: "Upload the cover" }).click();
    const coverResponse = await coverPut;
    expect(coverResponse.status(), await described(coverResponse)).toBe(200);
    await page.getByRole("img", { name: "Cover: Deep Blue Sine (Remastered)" }).waitFor();
    expect((await apiGet<{ cover_url: string | null }>(`/albums/${albumId}`)).cover_url).not.toBe(retitled.cover_url);
    await checkTab(page, "catalog-albums");

    // Catalog, artists: create a duplicate of Сплин-Фактор in the console, then merge it into the real one.
    await catalogTabs.getByRole("link", { name: "Artists" }).click();
    await page.getByLabel("New artist's name").fill("Сплин-Фактор (дубль)");
    const created = nextResponse(page, "POST", /^\/admin\/artists$/);
    await page.getByRole("button", { name: "Create the artist" }).click();
    const createdResponse = await created;
    expect(createdResponse.status(), await described(createdResponse)).toBe(201);
    const duplicateId = ((await createdResponse.json()) as { id: string }).id;
    const artistEditor = page.getByRole("group", { name: "Artist editor: Сплин-Фактор (дубль)" });
    await artistEditor.waitFor();
    const mergeInto = artistEditor.getByRole("button", { name: "Merge into: Сплин-Фактор", exact: true });
    await searchUntilFound(page, "Find the profile that stays", "Сплин-Фактор", mergeInto);
    await mergeInto.click();
    await artistEditor.getByLabel("Reason for the merge").fill("created twice");
    await artistEditor.getByRole("button", { name: "Merge", exact: true }).click();
    await page.getByTestId("merge-result").getByText("Сплин-Фактор (дубль) → Сплин-Фактор").waitFor();
    const merged = await fetch(`${gateway}/artists/${duplicateId}`, { redirect: "manual" });
    expect(merged.status).toBe(308);
    await checkTab(page, "catalog-artists");

    // Accounts and roles: make the listener an editor.
    await tabs.getByRole("link", { name: "Accounts", exact: true }).click();
    await page.getByLabel("Find an account by email").fill("console-listener");
    await page.getByRole("button", { name: "Open: console-listener@example.com" }).click();
    await page.getByRole("heading", { name: "console-listener@example.com" }).waitFor();
    await page.getByRole("checkbox", { name: "editor", exact: true }).check();
    const rolesSaved = nextResponse(page, "POST", /\/roles$/);
    await page.getByRole("button", { name: "Save roles" }).click();
    expect((await rolesSaved).status()).toBe(200);
    await page.getByTestId("roles-saved").waitFor();
    const listener = await apiGet<{ accounts: { id: string; email: string; roles: string[] }[] }>(`/admin/accounts?q=console-listener`, token);
    expect(listener.accounts.map((account) => account.roles)).toEqual([["listener", "editor"]]);
    // The refund of its payment: 202, then the billing saga takes it to the provider while the console watches.
    const accountPath = `/admin/accounts/${listener.accounts[0]?.id ?? ""}`;
    const paidBy = Date.now() + 90_000;
    while ((await apiGet<{ payments: { status: string }[] }>(accountPath, token)).payments[0]?.status !== "succeeded" && Date.now() < paidBy)
      await new Promise((resolve) => setTimeout(resolve, 500));
    await page.reload();
    await page.getByLabel("Find an account by email").fill("console-listener");
    await page.getByRole("button", { name: "Open: console-listener@example.com" }).click();
    const payments = page.getByRole("table", { name: "Payments" });
    await payments.getByRole("textbox", { name: /^Reason for the refund/ }).fill("charged twice");
    const refunded = nextResponse(page, "POST", /\/refund$/);
    await payments.getByRole("button", { name: /^Refund: / }).click();
    expect((await refunded).status()).toBe(202);
    await payments
      .getByTestId("refund-cell")
      .getByText(/^refund (requested|accepted)|^refunded/)
      .first()
      .waitFor();
    await payments.getByTestId("refund-cell").getByText("refunded").first().waitFor({ timeout: 90_000 });
    await checkTab(page, "accounts");
    // The same tab on a phone: nothing must need a wider screen to be reached.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(screenshots, "console-accounts-phone.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });

    // Ads: create a campaign, pause it, target Russian-speaking listeners.
    await tabs.getByRole("link", { name: "Ads", exact: true }).click();
    await page.getByRole("button", { name: "New campaign" }).click();
    await page.getByLabel("Campaign name").fill("Console winter sale");
    await page.getByLabel("Advertiser").fill("Звук и Ко");
    await page.getByLabel("Genres").fill("rock, post-punk");
    const campaignCreated = nextResponse(page, "POST", /^\/admin\/ads\/campaigns$/);
    await page.getByRole("button", { name: "Create the campaign" }).click();
    const campaignResponse = await campaignCreated;
    expect(campaignResponse.status(), await described(campaignResponse)).toBe(201);
    const campaignId = ((await campaignResponse.json()) as { id: string }).id;
    const campaign = page.getByRole("listitem", { name: "Console winter sale" });
    await campaign.getByTestId("campaign-status").getByText("active").waitFor();
    await campaign.getByRole("button", { name: "Pause: Console winter sale" }).click();
    await campaign.getByTestId("campaign-status").getByText("paused").waitFor();
    await campaign.getByRole("button", { name: "Edit targeting: Console winter sale" }).click();
    await campaign.getByLabel("Listener languages").fill("ru");
    const retargeted = nextResponse(page, "PATCH", /^\/admin\/ads\/campaigns\/[^/]+$/);
    await campaign.getByRole("button", { name: "Save targeting" }).click();
    expect((await retargeted).status()).toBe(200);
    await campaign.getByText("Listener languages: ru").waitFor();
    const campaigns = await apiGet<{ campaigns: { id: string; status: string; genres: string[]; languages: string[] }[] }>(`/admin/ads/campaigns`, token);
    expect(campaigns.campaigns.find((item) => item.id === campaignId)).toMatchObject({ status: "paused", genres: ["rock", "post-punk"], languages: ["ru"] });
    // A creative: its audio goes up first (POST /admin/ads/audio), the browser measures its length.
    await campaign.getByText("Creatives (0)").click();
    await campaign.getByLabel("Creative name").fill("Five-second spot");
    await campaign.getByLabel("Spot audio (up to 10 MiB)").setInputFiles(await bench.make("spot.mp3", "mp3", { seconds: 5 }));
    const measuredBy = Date.now() + 10_000;
    while ((await campaign.getByLabel("Length, s").inputValue()) !== "5" && Date.now() < measuredBy) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await campaign.getByLabel("Length, s").inputValue()).toBe("5");
    const creativeCreated = nextResponse(page, "POST", /\/creatives$/);
    await campaign.getByRole("button", { name: "Add a creative" }).click();
    const creativeResponse = await creativeCreated;
    expect(creativeResponse.status(), await described(creativeResponse)).toBe(201);
    await campaign.getByText("Creatives (1)").waitFor();
    await campaign.getByRole("button", { name: "Pause: Five-second spot" }).waitFor();
    const withCreative = await apiGet<{ campaigns: { id: string; creatives: { name: string; duration_ms: number; audio_key: string }[] }[] }>(
      `/admin/ads/campaigns`,
      token,
    );
    expect(withCreative.campaigns.find((item) => item.id === campaignId)?.creatives).toMatchObject([{ name: "Five-second spot", duration_ms: 5000 }]);
    await checkTab(page, "ads");

    // The event backbone: every origin consumer group reports its lag on a 30-second timer.
    await tabs.getByRole("link", { name: "Event backbone", exact: true }).click();
    await page.getByTestId("consumer-group").first().waitFor({ timeout: 90_000 });
    const lag = await apiGet<{ groups: { group: string }[] }>(`/admin/consumers`, token);
    expect(lag.groups.length).toBeGreaterThan(0);
    await page.getByRole("rowheader", { name: lag.groups[0]?.group ?? "", exact: true }).waitFor();
    await page.getByTestId("no-dead-letters").waitFor();
    // The demo's events all go through, so a dead letter is parked by hand, as the origin's archiver would copy it
    // from a `.dlq` topic; its original topic is one nobody consumes, so the replay publishes harmlessly.
    const database = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${env.EMBEDDED_DB_PORT}/postgres` });
    await database.connect();
    cleanups.add(() => database.end());
    const eventId = crypto.randomUUID();
    const parked = await database.query<{ id: string }>(
      `insert into events.dead_letters (dlq_topic, dlq_partition, dlq_offset, original_topic, original_partition, original_offset, consumer_group, reason, error_message, attempts, event_id, event_type, key, value, failed_at)
       values ('tunec.console-test.dlq', 0, 0, 'tunec.console-test', 0, 41, 'console-test', 'handler-failed', 'parked on purpose by the console test', 3, $1, 'ConsoleTestHappened', 'console-test', $2, now()) returning id::text`,
      [eventId, JSON.stringify({ specversion: "1.0", id: eventId, type: "ConsoleTestHappened", source: "/console-test", data: {} })],
    );
    const deadLetterId = parked.rows[0]?.id ?? "";
    await page.getByLabel("Original topic").fill("tunec.console-test");
    const letter = page.getByRole("list", { name: "Dead letters" }).getByRole("listitem").first();
    await letter.getByText("ConsoleTestHappened", { exact: true }).waitFor();
    await checkTab(page, "backbone");
    const replayed = nextResponse(page, "POST", /\/replay$/);
    await letter.getByRole("button", { name: `Replay: ${deadLetterId}` }).click();
    expect((await replayed).status()).toBe(202);
    // The origin's dead-letters service wakes on the write hint of events.dead_letters and publishes it at once;
    // a hint is only a hint, so the wait allows its 60-second safety poll (hintedSafetyPollMs) on a loaded machine.
    await letter.getByText("replayed", { exact: true }).waitFor({ timeout: 75_000 });
    const replayedLetters = await apiGet<{ dead_letters: { id: string; state: string }[] }>(`/admin/dead-letters?topic=tunec.console-test`, token);
    expect(replayedLetters.dead_letters).toMatchObject([{ id: deadLetterId, state: "replayed" }]);

    // The audit log, filtered to the merge the admin just made.
    await tabs.getByRole("link", { name: "Audit log", exact: true }).click();
    await page.getByLabel("Action (e.g. track.update)").fill("artist.merge");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByRole("cell", { name: "created twice", exact: true }).waitFor();
    expect(await page.getByRole("cell", { name: "track.update", exact: true }).count()).toBe(0);
    await page.getByRole("button", { name: "Clear" }).click();
    for (const action of [
      "role.grant",
      "account.roles.set",
      "artist.create",
      "artist.merge",
      "album.update",
      "track.update",
      "payment.refund",
      "dead_letter.replay",
    ])
      await page.getByRole("cell", { name: action, exact: true }).first().waitFor();
    await checkTab(page, "audit");

    // Russian is one click away, in the console too.
    await page.getByRole("button", { name: "Русский" }).click();
    await page.getByRole("navigation", { name: "Разделы консоли" }).getByRole("link", { name: "Шина событий" }).waitFor();
  }, 420_000);
});
