/**
 * The web app end to end on `npm start`, in real Chromium (Debian's
 * /usr/bin/chromium driven by playwright-core): a listener signs up, searches
 * "kino" (Latin for the demo artist «Кинолента»), plays a track until the
 * audio element is past one second, seeks, likes it and finds it among the
 * liked tracks; a reload keeps them signed in through the HttpOnly refresh
 * cookie; the plays show in the history. Another listener builds a playlist,
 * reorders it by drag and drop (mouse, then keyboard) and is told kindly when
 * another device changed it first (412). A listener signs in with Google (a
 * local OpenID provider started here) and lands in the app. Then the roles: a listener applies in the studio, the first admin
 * (npm run admin:create) approves in the console, the new artist uploads a real
 * file (in multipart parts, to signed part URLs) with the progress bar filling
 * and sees it published, and the admin fixes its title and takes it down
 * (/tracks and /stream answer 410, search drops it, the audit log has it all). axe-core checks the main screens; screenshots go
 * to .ci/out/web/.
 */
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAudioWorkbench } from "../test/audio.ts";
import { accessibilityProblems, browserPresent, Cleanups, launchChromium, root, screenshots, startEmbeddedSystem } from "../test/browser.ts";
import { startOpenIdProvider } from "../test/oidc-provider.ts";
import { testClients } from "../test/oidc-provider-clients.ts";

const tsx = join(root, "node_modules", ".bin", "tsx");

const audioTime = (page: Page) => page.$eval("audio", (audio) => (audio as HTMLAudioElement).currentTime);

describe.runIf(browserPresent("the web app's browser test"))("npm start: the web app in Chromium", () => {
  const cleanups = new Cleanups();
  let gateway = "";
  let browser: Browser;
  let env: NodeJS.ProcessEnv = {};
  afterAll(() => cleanups.run());

  beforeAll(async () => {
    const system = await startEmbeddedSystem(cleanups, {
      name: "web",
      configure: async (base, gatewayUrl) => {
        // A local OpenID provider plays Google for the "Continue with Google" button.
        const provider = await startOpenIdProvider({ redirectOrigins: [gatewayUrl] });
        cleanups.add(() => provider.close());
        return {
          ...base,
          // Multipart from 5 MiB (the smallest part), so a 70-second WAV goes up in parts as a long FLAC would past 100 MiB.
          UPLOAD_MULTIPART_THRESHOLD_BYTES: String(5 * 1024 * 1024),
          UPLOAD_PART_SIZE_BYTES: String(5 * 1024 * 1024),
          OAUTH_GOOGLE_CLIENT_ID: testClients.google.client_id,
          OAUTH_GOOGLE_CLIENT_SECRET: testClients.google.client_secret,
          OAUTH_GOOGLE_REDIRECT_URI: `${gatewayUrl}/auth/oauth/google/callback`,
          OAUTH_GOOGLE_ISSUER: provider.issuer,
        };
      },
    });
    ({ gateway, env } = system);
    browser = await launchChromium(cleanups, { autoplay: true });
  }, 420_000);

  it("a listener signs up, searches kino, plays and seeks, likes, and stays signed in over a reload", async () => {
    const page = await browser.newPage({ locale: "en-GB", viewport: { width: 1280, height: 800 } });

    await page.goto(`${gateway}/`);
    expect(new URL(page.url()).pathname).toBe("/app/");
    // Lighthouse-style figures of the first page, from the browser's own timing APIs (reported, not asserted).
    const timings = await page.evaluate(
      () =>
        new Promise<{ fcp: number; lcp: number; domContentLoaded: number; scriptKB: number }>((resolve) => {
          new PerformanceObserver((list) => {
            const lcp = list.getEntries().at(-1)?.startTime ?? 0;
            const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? 0;
            const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
            const scripts = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).filter((entry) => entry.initiatorType === "script");
            resolve({
              fcp,
              lcp,
              domContentLoaded: navigation?.domContentLoadedEventEnd ?? 0,
              scriptKB: scripts.reduce((sum, entry) => sum + entry.encodedBodySize, 0) / 1024,
            });
          }).observe({ type: "largest-contentful-paint", buffered: true });
        }),
    );
    await mkdir(join(root, ".ci", "out"), { recursive: true });
    await writeFile(join(screenshots, "timings.json"), JSON.stringify(timings, null, 2));
    console.log(
      `web app first page: FCP ${Math.round(timings.fcp)} ms, LCP ${Math.round(timings.lcp)} ms, DOMContentLoaded ${Math.round(timings.domContentLoaded)} ms, ${timings.scriptKB.toFixed(1)} KB of script over the wire`,
    );
    await page.getByRole("link", { name: "Sign up" }).click();
    await page.getByLabel("Email").fill("web-listener@example.com");
    await page.getByLabel("Password").fill("violet accordion harbour 42");
    await page.screenshot({ path: join(screenshots, "sign-up.png") });
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();

    await page.getByRole("searchbox", { name: "Search music" }).fill("kino");
    const firstTrack = page.getByRole("list", { name: "Tracks" }).getByRole("listitem").first();
    await firstTrack.waitFor();
    await expect(page.getByRole("link", { name: "Кинолента" }).first().isVisible()).resolves.toBe(true);
    // Latin "kino" found the Cyrillic artist: the result says it matched by spelling.
    await page.getByRole("listitem").filter({ hasText: "Кинолента" }).getByText("similar spelling").first().waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, "search.png") });
    // A phone's width: the same screen, still without serious accessibility problems.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, "search-phone.png") });
    await page.setViewportSize({ width: 1280, height: 800 });

    await firstTrack.getByRole("button", { name: /^Play:/ }).click();
    await page.waitForFunction(() => (document.querySelector("audio")?.currentTime ?? 0) > 1, undefined, { timeout: 30_000 });
    // A seek goes through Range requests on the signed media URL.
    await page.$eval("audio", (audio) => ((audio as HTMLAudioElement).currentTime = 10));
    await page.waitForFunction(() => (document.querySelector("audio")?.currentTime ?? 0) >= 10.5, undefined, { timeout: 30_000 });
    expect(await audioTime(page)).toBeGreaterThanOrEqual(10.5);
    await page.screenshot({ path: join(screenshots, "playing.png") });

    // A free listener hears an ad break before every third track after the first: skip ahead to it.
    const player = page.getByRole("contentinfo", { name: "Player" });
    for (let skip = 0; skip < 3; skip++) await player.getByRole("button", { name: "Next" }).click();
    await page.getByTestId("ad-break").waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => (document.querySelector("audio")?.currentTime ?? 0) > 0.5, undefined, { timeout: 30_000 });
    expect(await player.getByRole("button", { name: "Previous" }).isDisabled()).toBe(true);
    await page.screenshot({ path: join(screenshots, "ad-break.png") });
    await page.getByTestId("ad-break").waitFor({ state: "detached", timeout: 60_000 });
    await page.waitForFunction(() => (document.querySelector("audio")?.currentTime ?? 0) > 0.5, undefined, { timeout: 30_000 });

    await firstTrack.getByRole("button", { name: "Like" }).click();
    await firstTrack.getByRole("button", { name: "Unlike" }).waitFor();
    const title = await firstTrack.locator(".title > a").innerText();
    await page.getByRole("link", { name: "Liked" }).click();
    await page.getByRole("list", { name: "Liked tracks" }).getByRole("link", { name: title }).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, "liked.png") });
    // The plays reach the listening history through PlaybackStarted and the users-history consumer.
    await page.getByRole("link", { name: "History" }).click();
    await page.getByRole("main").getByRole("link", { name: title }).first().waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, "history.png") });

    // My Wave: the personal radio from these plays and the like (the recs service trains once the demo is
    // published); each track says why it is there, and a dislike takes one out at once.
    await page.getByRole("link", { name: "My Wave" }).click();
    const waveTracks = page.getByRole("list", { name: "My Wave" });
    await waveTracks.getByRole("listitem").first().waitFor({ timeout: 90_000 });
    await page.getByRole("list", { name: "Why these tracks" }).getByRole("listitem").first().waitFor();
    await page.getByRole("button", { name: "Play my wave" }).click();
    await page.getByRole("button", { name: "Dislike" }).waitFor();
    const shown = await waveTracks.getByRole("listitem").count();
    await page.getByRole("button", { name: "Dislike" }).click();
    await expect.poll(() => waveTracks.getByRole("listitem").count(), { timeout: 15_000 }).toBe(shown - 1);
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, "wave.png") });
    await page.getByRole("link", { name: "Liked" }).click();

    // The track page is a deep link the Worker answers with the app; the refresh cookie signs in again.
    await page.getByRole("list", { name: "Liked tracks" }).getByRole("link", { name: title }).click();
    await page.reload();
    await page.getByRole("heading", { name: title }).waitFor();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    const cookies = await page.context().cookies();
    expect(cookies.find((cookie) => cookie.name === "tunec_refresh")).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/auth" });
    expect(await page.evaluate(() => document.cookie)).not.toContain("tunec_refresh");
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, "track.png") });

    // Russian is one click away.
    await page.getByRole("button", { name: "Русский" }).click();
    await page.getByRole("button", { name: "Выйти" }).waitFor();
  }, 300_000);

  it("a listener builds a playlist, reorders it by drag and drop, and is told kindly when another device changed it first", async () => {
    const password = "violet accordion harbour 42";
    const page = await (await browser.newContext({ locale: "en-GB", viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`${gateway}/app/signup`);
    await page.getByLabel("Email").fill("web-playlists@example.com");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    await page.getByRole("link", { name: "Playlists" }).click();
    await page.getByLabel("Name").fill("Дорога на дачу");
    await page.getByRole("button", { name: "Create playlist" }).click();
    await page.getByRole("heading", { name: "Дорога на дачу" }).waitFor();
    const playlistId = new URL(page.url()).pathname.split("/").at(-1) ?? "";

    await page.getByRole("link", { name: "Search" }).click();
    await page.getByRole("searchbox", { name: "Search music" }).fill("kino");
    const results = page.getByRole("list", { name: "Tracks" }).getByRole("listitem");
    await results.first().waitFor();
    const titles: string[] = [];
    for (let index = 0; index < 3; index++) {
      const row = results.nth(index);
      const title = await row.locator(".title > a").innerText();
      await row.getByLabel(`Add to playlist: ${title}`).selectOption({ label: "Дорога на дачу" });
      await row.getByRole("status").getByText("Added to «Дорога на дачу»").waitFor();
      titles.push(title);
    }

    const order = async () => page.getByRole("list", { name: "Playlist tracks" }).locator(".title > a").allInnerTexts();
    await page.goto(`${gateway}/app/playlists/${playlistId}`);
    await page.getByRole("list", { name: "Playlist tracks" }).getByRole("listitem").nth(2).waitFor();
    expect(await order()).toEqual(titles);
    // Drag the third track by its handle above the first.
    const handle = page.getByRole("button", { name: `Drag to move: ${titles[2]}` });
    const target = page.getByRole("list", { name: "Playlist tracks" }).getByRole("listitem").first();
    const from = await handle.boundingBox();
    const to = await target.boundingBox();
    if (!from || !to) throw new Error("no layout for the drag");
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2, to.y + 2, { steps: 12 });
    await page.mouse.up();
    const reordered = [titles[2], titles[0], titles[1]];
    await expect.poll(order).toEqual(reordered);
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, "playlist.png") });
    await page.reload();
    await page.getByRole("list", { name: "Playlist tracks" }).getByRole("listitem").nth(2).waitFor();
    expect(await order()).toEqual(reordered);

    // Another device adds a track meanwhile: this page's ETag is stale, so its next move is refused (412) and said so kindly.
    const other = (await (
      await fetch(`${gateway}/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "web-playlists@example.com", password }),
      })
    ).json()) as { access_token: string };
    const auth = { authorization: `Bearer ${other.access_token}` };
    const current = (await (await fetch(`${gateway}/playlists/${playlistId}?limit=1`, { headers: auth })).json()) as { playlist: { version: number } };
    const fourth = ((await (await fetch(`${gateway}/search?q=kino&type=track&limit=5`)).json()) as { items: { id: string }[] }).items[3]?.id;
    const added = await fetch(`${gateway}/playlists/${playlistId}/tracks`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json", "if-match": `"${current.playlist.version}"` },
      body: JSON.stringify({ track_ids: [fourth] }),
    });
    expect(added.status).toBe(201);
    // This time with the keyboard: space lifts, arrow down moves, space drops.
    await page.getByRole("button", { name: `Drag to move: ${titles[2]}` }).focus();
    // (dnd-kit measures the list after the lift: give each key a moment, as a person would.)
    for (const key of ["Space", "ArrowDown", "Space"]) {
      await page.keyboard.press(key);
      await page.waitForTimeout(300);
    }
    await page.getByTestId("playlist-conflict").waitFor();
    await page.getByRole("list", { name: "Playlist tracks" }).getByRole("listitem").nth(3).waitFor();
    expect(await page.getByRole("alert").count()).toBe(0);
    await page.screenshot({ path: join(screenshots, "playlist-conflict.png") });
  }, 180_000);

  it("a listener signs in with Google (a local OpenID provider) and lands in the app signed in; a declined sign-in is explained", async () => {
    const page = await (await browser.newContext({ locale: "en-GB", viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`${gateway}/app/signin`);
    await page.getByRole("link", { name: "Continue with Google" }).click();
    await page.getByRole("heading", { name: "Test provider sign-in" }).waitFor();
    await page.getByLabel("Subject").fill("google-web-1");
    await page.getByLabel("Email", { exact: true }).fill("web-google@example.com");
    await page.getByLabel("Email verified").check();
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/app/");
    expect((await page.context().cookies()).find((cookie) => cookie.name === "tunec_refresh")).toMatchObject({ httpOnly: true, sameSite: "Strict" });
    await page.getByRole("link", { name: "Account" }).click();
    await page.getByText("web-google@example.com").first().waitFor();

    const declined = await (await browser.newContext({ locale: "en-GB" })).newPage();
    await declined.goto(`${gateway}/app/signin`);
    await declined.getByRole("link", { name: "Continue with Google" }).click();
    await declined.getByRole("button", { name: "Decline" }).click();
    await declined.getByRole("alert").getByText("Signing in with the provider failed").waitFor();
    expect(new URL(declined.url()).pathname).toBe("/app/signin");
    expect(await accessibilityProblems(declined)).toEqual([]);
    await declined.screenshot({ path: join(screenshots, "sign-in-declined.png") });
  }, 120_000);

  it("a wrong password is explained in the UI's language, and the in-app switch changes the API's language too", async () => {
    const page = await (await browser.newContext({ locale: "ru-RU", viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`${gateway}/app/signin`);
    await page.getByLabel("Почта").fill("web-nobody@example.com");
    await page.getByLabel("Пароль").fill("not the password at all");
    await page.getByRole("button", { name: "Войти" }).click();
    // The title comes from the web app's messages, the detail from the API in the requested language.
    await page.getByRole("alert").getByText("Неверная почта или пароль.", { exact: true }).waitFor();

    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").getByText("The email or the password is incorrect.", { exact: true }).waitFor();
  }, 60_000);

  it("a free listener subscribes through the SBP sandbox and the premium badge appears", async () => {
    const page = await (await browser.newContext({ locale: "en-GB", viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`${gateway}/app/signup`);
    await page.getByLabel("Email").fill("web-premium@example.com");
    await page.getByLabel("Password").fill("violet accordion harbour 42");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("link", { name: "Premium" }).click();
    await page.getByRole("button", { name: "Subscribe" }).click();
    const bank = page.getByRole("link", { name: "Open your bank app" });
    await bank.waitFor();
    await page.getByRole("img", { name: "QR code to pay with SBP" }).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, "premium-pay.png") });
    // The sandbox's pay page is where a bank app would confirm: pay there.
    const providerPaymentId = new URL((await bank.getAttribute("href")) ?? "").pathname.split("/").at(-1);
    const paid = await fetch(`http://127.0.0.1:${env.SBP_SANDBOX_PORT}/_sandbox/payments/${providerPaymentId}/pay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ repeat: 1 }),
    });
    expect(paid.status).toBe(200);
    await page.getByTestId("premium-badge").waitFor({ timeout: 90_000 });
    await page.getByTestId("premium-active").waitFor();
    await page.screenshot({ path: join(screenshots, "premium-on.png") });
  }, 180_000);

  it("an admin approves an artist, who uploads a real file in signed parts with progress and sees it published; the admin retitles it and takes it down", async () => {
    const password = "violet accordion harbour 42";
    const signUpIn = async (email: string): Promise<Page> => {
      const page = await (await browser.newContext({ locale: "en-GB", viewport: { width: 1280, height: 800 } })).newPage();
      await page.goto(`${gateway}/app/signup`);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Create account" }).click();
      await page.getByRole("button", { name: "Sign out" }).waitFor();
      return page;
    };

    // The first admin: an account promoted by the CLI, as the README tells.
    const admin = await signUpIn("web-admin@example.com");
    await promisify(execFile)(tsx, ["scripts/admin-create.ts", "--email", "web-admin@example.com"], { cwd: root, env });

    const artist = await signUpIn("web-artist@example.com");
    await artist.getByRole("link", { name: "Studio" }).click();
    await artist.getByLabel("Artist name").fill("Веб Артист");
    await artist.getByRole("button", { name: "Apply" }).click();
    await artist.getByTestId("application-status").getByText("Application under review").waitFor();

    await admin.reload(); // the refresh brings the admin role into the token
    await admin.getByRole("link", { name: "Admin" }).click();
    await admin.getByRole("button", { name: "Approve: Веб Артист" }).click();
    await admin.getByRole("button", { name: "Approve: Веб Артист" }).waitFor({ state: "detached" });
    expect(await accessibilityProblems(admin)).toEqual([]);
    await admin.screenshot({ path: join(screenshots, "admin.png") });

    const bench = await createAudioWorkbench();
    cleanups.add(() => bench.cleanup());
    const file = await bench.make("Первая песня.wav", "wav", { seconds: 70 });
    expect((await bench.bytes(file)).byteLength).toBeGreaterThan(5 * 1024 * 1024);
    await artist.reload();
    const partPuts: string[] = [];
    artist.on("request", (request) => {
      if (request.method() === "PUT" && /\/uploads\/[^/]+\/parts\/\d+/.test(request.url())) partPuts.push(new URL(request.url()).pathname);
    });
    const chooser = artist.getByLabel("Choose audio files");
    await chooser.waitFor();
    await chooser.setInputFiles(file);
    // Metadata before the upload starts: the title comes from the file name, the rest is the artist's to set.
    await expect(artist.getByLabel("Title: Первая песня.wav").inputValue()).resolves.toBe("Первая песня");
    await artist.getByLabel("Genres: Первая песня.wav").fill("indie, post-punk");
    await artist.getByLabel("Language: Первая песня.wav").fill("ru");
    await artist.getByRole("button", { name: "Upload", exact: true }).click();
    const row = artist.getByRole("list", { name: "Uploads" }).getByRole("listitem").first();
    await artist.locator('.upload[data-status="published"], .upload[data-status="rejected"]').first().waitFor({ timeout: 120_000 });
    expect(await row.getAttribute("data-status"), await row.innerText()).toBe("published");
    // Straight to the bucket's signed part URLs, in parts.
    expect(partPuts.map((path) => path.split("/").at(-1))).toEqual(["1", "2"]);
    const progress = await row
      .locator("progress")
      .evaluate((element) => ({ value: (element as HTMLProgressElement).value, max: (element as HTMLProgressElement).max }));
    expect(progress.value).toBe(progress.max);
    expect(await accessibilityProblems(artist)).toEqual([]);
    // The figures list the published track (no plays yet) with its chart.
    await artist.getByRole("table").getByRole("button", { name: "Первая песня" }).waitFor({ timeout: 90_000 });
    await artist.getByTestId("track-chart").locator("canvas").waitFor();
    await artist.screenshot({ path: join(screenshots, "studio.png"), fullPage: true });
    const trackHref = await row.getByRole("link", { name: "Open the track" }).getAttribute("href");
    const trackId = trackHref?.split("/").at(-1) ?? "";

    // The upload reaches search through CDC and the indexer; on a busy machine the first search may come too early.
    const found = admin.getByRole("button", { name: "Первая песня" });
    const foundBy = Date.now() + 30_000;
    do {
      await admin.getByLabel("Find a track").fill("");
      await admin.getByLabel("Find a track").fill("Первая песня");
      await found.waitFor({ timeout: 3_000 }).catch(() => undefined);
    } while (!(await found.isVisible()) && Date.now() < foundBy);
    await found.click();
    await admin.getByLabel("Title").fill("Первая песня (ремастер)");
    const saved = admin.waitForResponse((response) => response.request().method() === "PATCH" && response.url().includes(`/admin/tracks/${trackId}`));
    await admin.getByRole("button", { name: "Save" }).click();
    const saveResponse = await saved;
    expect(saveResponse.status(), await saveResponse.text()).toBe(200);
    expect(await admin.getByLabel("Title").inputValue()).toBe("Первая песня (ремастер)");
    // The new title reaches search through CDC and the indexer within seconds (2 s on an idle machine; CI shares its cores).
    const renamedIds = async () =>
      ((await (await fetch(`${gateway}/search?q=${encodeURIComponent("ремастер")}&type=track`)).json()) as { items: { id: string }[] }).items.map(
        (item) => item.id,
      );
    const renamedBy = Date.now() + 15_000;
    while (!(await renamedIds()).includes(trackId) && Date.now() < renamedBy) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await renamedIds()).toContain(trackId);
    await admin.getByLabel("Reason for the takedown").fill("rights holder's request");
    await admin.getByRole("button", { name: "Take down" }).click();
    await admin.getByTestId("track-status").getByText("taken_down").waitFor();
    await admin.screenshot({ path: join(screenshots, "admin-editor.png") });
    expect((await fetch(`${gateway}/tracks/${trackId}`)).status).toBe(410);
    const listener = (await (
      await fetch(`${gateway}/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "web-artist@example.com", password }),
      })
    ).json()) as { access_token: string };
    expect((await fetch(`${gateway}/stream/${trackId}`, { headers: { authorization: `Bearer ${listener.access_token}` } })).status).toBe(410);
    const searchIds = async () =>
      ((await (await fetch(`${gateway}/search?q=${encodeURIComponent("Первая песня ремастер")}&type=track`)).json()) as { items: { id: string }[] }).items.map(
        (item) => item.id,
      );
    const deadline = Date.now() + 5_000;
    while ((await searchIds()).includes(trackId) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await searchIds()).not.toContain(trackId);
    await admin.reload();
    // The audit log shows all of it: the first admin's role grant, the approval, the retitle and the takedown.
    for (const action of ["track.takedown", "track.update", "artist_application.approve", "role.grant"])
      await admin.getByRole("cell", { name: action, exact: true }).first().waitFor();
  }, 300_000);
});
