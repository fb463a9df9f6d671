import { env, SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { signUpWithRoles, type Tokens } from "../auth/testing.ts";
import { createEdgeDatabase } from "../platform/edge-database.ts";

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

async function json<T>(response: Response, status = 200): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
}

const tag = () => crypto.randomUUID().slice(0, 8);

let admin: Tokens;
let adminId: string;
beforeAll(async () => {
  admin = await signUpWithRoles(["listener", "admin"]);
  adminId = String(decodeJwt(admin.access_token).sub);
});

async function auditOf(targetType: string, targetId: string) {
  return withDb((db) => db.selectFrom("audit.entries").selectAll().where("target_type", "=", targetType).where("target_id", "=", targetId).execute());
}

describe("admin routes: access control", () => {
  const routes: Array<{ method: string; path: string; body?: unknown; adminStatus: number }> = [
    { method: "GET", path: "/admin/uploads", adminStatus: 200 },
    { method: "GET", path: "/admin/accounts?q=example", adminStatus: 200 },
    { method: "GET", path: `/admin/accounts/${crypto.randomUUID()}`, adminStatus: 404 },
    { method: "POST", path: `/admin/payments/${crypto.randomUUID()}/refund`, body: { reason: "duplicate charge" }, adminStatus: 404 },
    { method: "GET", path: "/admin/consumers", adminStatus: 200 },
    { method: "GET", path: "/admin/dead-letters", adminStatus: 200 },
    { method: "POST", path: "/admin/dead-letters/999999999999/replay", adminStatus: 404 },
  ];

  it("anonymous 401, listener/artist/editor 403, admin through", async () => {
    const others = await Promise.all([signUpWithRoles(["listener"]), signUpWithRoles(["listener", "artist"]), signUpWithRoles(["listener", "editor"])]);
    for (const route of routes) {
      const label = `${route.method} ${route.path}`;
      const anonymous = await call(route.path, null, route);
      expect(anonymous.status, label).toBe(401);
      expect(anonymous.headers.get("www-authenticate"), label).toContain("Bearer");
      for (const other of others) expect((await call(route.path, other.access_token, route)).status, label).toBe(403);
      expect((await call(route.path, admin.access_token, route)).status, label).toBe(route.adminStatus);
    }
  });
});

describe("GET /admin/uploads", () => {
  interface Page {
    uploads: Array<{ id: string; state: string; title: string; rejection: { code: string; message: string } | null; rejected_at: string | null }>;
    next_cursor: string | null;
  }

  it("filters by state and artist, shows rejection reasons, and pages rows microseconds apart without loss", async () => {
    const artistId = crypto.randomUUID();
    const upload = (title: string, createdAt: string, extra: Record<string, unknown> = {}) => ({
      id: crypto.randomUUID(),
      track_id: crypto.randomUUID(),
      user_id: crypto.randomUUID(),
      artist_id: artistId,
      title,
      declared_content_type: "audio/flac",
      declared_size_bytes: 1000,
      storage: "r2" as const,
      source_key: `uploads/${crypto.randomUUID()}`,
      url_expires_at: new Date(Date.now() + 3_600_000),
      created_at: createdAt,
      ...extra,
    });
    const rows = [
      upload("oldest", "2026-01-01T00:00:00.000100Z", {
        state: "rejected",
        rejection_code: "unsupported_format",
        rejection_message: "Not an audio file.",
        rejected_at: new Date(),
      }),
      // Two rows in one millisecond: a cursor of JS milliseconds would lose one of them.
      upload("middle", "2026-01-01T00:00:00.000200Z", { state: "published" }),
      upload("newest", "2026-01-01T00:00:00.000300Z", { state: "uploaded" }),
    ];
    await withDb((db) => db.insertInto("ingestion.uploads").values(rows).execute());

    const rejected = await json<Page>(await call(`/admin/uploads?state=rejected&artist_id=${artistId}`, admin.access_token));
    expect(rejected.uploads).toHaveLength(1);
    expect(rejected.uploads[0]).toMatchObject({ title: "oldest", state: "rejected", rejection: { code: "unsupported_format", message: "Not an audio file." } });
    expect(rejected.uploads[0]?.rejected_at).not.toBeNull();

    const titles: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await json<Page>(await call(`/admin/uploads?artist_id=${artistId}&limit=1${cursor ? `&cursor=${cursor}` : ""}`, admin.access_token));
      titles.push(...page.uploads.map((u) => u.title));
      cursor = page.next_cursor;
    } while (cursor && titles.length < 10);
    expect(titles).toEqual(["newest", "middle", "oldest"]);

    for (const query of ["state=gone", "artist_id=nope", "limit=0", "limit=101", "cursor=not-a-cursor!"]) {
      expect((await call(`/admin/uploads?${query}`, admin.access_token)).status, query).toBe(400);
    }
  });
});

describe("GET /admin/accounts", () => {
  interface Summary {
    id: string;
    email: string;
    email_verified: boolean;
    roles: string[];
    premium: boolean;
    created_at: string;
  }
  interface Page {
    accounts: Summary[];
    next_cursor: string | null;
  }

  it("searches the email literally and case-insensitively, by substring or prefix, and by role", async () => {
    const t = tag();
    const emails = [`zz${t}-a_b@example.com`, `zz${t}-axb@example.com`, `other-zz${t}@example.com`];
    const ids = await withDb(async (db) => {
      const inserted = [];
      for (const [index, email] of emails.entries()) {
        inserted.push(
          await db
            .insertInto("auth.accounts")
            .values({
              email,
              password_hash: null,
              roles: index === 1 ? ["listener", "editor"] : ["listener"],
              email_verified_at: index === 0 ? new Date() : null,
              created_at: new Date(Date.now() - index * 1_000),
            })
            .returning("id")
            .executeTakeFirstOrThrow(),
        );
      }
      return inserted.map((row) => row.id);
    });
    const search = async (query: string) => (await json<Page>(await call(`/admin/accounts?${query}`, admin.access_token))).accounts.map((a) => a.email);

    expect(await search(`q=ZZ${t}`)).toEqual(emails);
    expect(await search(`q=zz${t}&match=prefix`)).toEqual(emails.slice(0, 2));
    // `_` and `%` are characters, not wildcards.
    expect(await search(`q=zz${t}-a_b`)).toEqual([emails[0]]);
    expect(await search(`q=${encodeURIComponent(`zz${t}-a%`)}`)).toEqual([]);
    expect(await search(`q=${encodeURIComponent(`zz${t}\\`)}`)).toEqual([]);
    expect(await search(`q=zz${t}&role=editor`)).toEqual([emails[1]]);

    const first = await json<Page>(await call(`/admin/accounts?q=zz${t}&limit=2`, admin.access_token));
    expect(first.accounts[0]).toMatchObject({ id: ids[0], email_verified: true, roles: ["listener"], premium: false });
    expect(first.accounts[1]?.email_verified).toBe(false);
    const rest = await json<Page>(await call(`/admin/accounts?q=zz${t}&limit=2&cursor=${first.next_cursor}`, admin.access_token));
    expect(rest.accounts.map((a) => a.id)).toEqual([ids[2]]);
    expect(rest.next_cursor).toBeNull();

    for (const query of ["q=", `q=${"x".repeat(101)}`, "role=root", "match=regex", "limit=500"]) {
      expect((await call(`/admin/accounts?${query}`, admin.access_token)).status, query).toBe(400);
    }
  });
});

/** A user with an active subscription paid by `paid` (succeeded), plus a pending and a failed payment. */
async function customer() {
  const t = tag();
  return withDb(async (db) => {
    const account = await db
      .insertInto("auth.accounts")
      .values({ email: `payer-${t}@example.com`, password_hash: null, is_premium: true })
      .returning("id")
      .executeTakeFirstOrThrow();
    const userId = account.id;
    await db
      .insertInto("users.profiles")
      .values({ user_id: userId, display_name: "Payer", is_premium: true, premium_until: new Date(Date.now() + 30 * 86_400_000) })
      .execute();
    const subscriptionId = crypto.randomUUID();
    await db
      .insertInto("billing.subscriptions")
      .values({
        id: subscriptionId,
        user_id: userId,
        plan: "monthly",
        state: "active",
        period_start: new Date(),
        period_end: new Date(Date.now() + 30 * 86_400_000),
      })
      .execute();
    const payment = (status: "succeeded" | "pending" | "failed", extra: Record<string, unknown> = {}) => ({
      id: crypto.randomUUID(),
      subscription_id: subscriptionId,
      user_id: userId,
      plan: "monthly" as const,
      purpose: "initial" as const,
      method: "sbp" as const,
      provider: "fake-sbp",
      provider_payment_id: `p-${crypto.randomUUID()}`,
      amount_minor: 29_900,
      currency: "RUB" as const,
      status,
      expires_at: new Date(Date.now() + 3_600_000),
      ...extra,
    });
    const paid = payment("succeeded", { completed_at: new Date() });
    const pending = payment("pending");
    const failed = payment("failed", { failure_code: "declined", failure_message: "Declined.", failed_at: new Date() });
    await db.insertInto("billing.payments").values([paid, pending, failed]).execute();
    return { userId, subscriptionId, paid: paid.id, pending: pending.id, failed: failed.id };
  });
}

describe("GET /admin/accounts/{id}", () => {
  it("shows the account with its profile, subscriptions and payments, never its password hash", async () => {
    const c = await customer();
    const account = await json<Record<string, unknown> & { payments: Array<{ id: string; status: string; refund: unknown }> }>(
      await call(`/admin/accounts/${c.userId}`, admin.access_token),
    );
    expect(account).toMatchObject({ id: c.userId, premium: true, email_verified: false, profile: { display_name: "Payer", premium: true } });
    expect(account).not.toHaveProperty("password_hash");
    expect(account.subscriptions).toEqual([expect.objectContaining({ id: c.subscriptionId, state: "active", plan: "monthly" })]);
    expect(new Set(account.payments.map((p) => p.id))).toEqual(new Set([c.paid, c.pending, c.failed]));
    expect(account.payments.find((p) => p.id === c.failed)).toMatchObject({ status: "failed", failure: { code: "declined" }, refund: null });
    expect((await call("/admin/accounts/nope", admin.access_token)).status).toBe(400);
  });
});

describe("POST /admin/payments/{id}/refund", () => {
  it("records the refund for the saga's refund loop with its audit entry, once; refuses payments that did not succeed", async () => {
    const c = await customer();
    const refund = (id: string, body: unknown = { reason: "charged twice" }) =>
      call(`/admin/payments/${id}/refund`, admin.access_token, { method: "POST", body });

    const requested = await json<{ payment_id: string; refund: { status: string; amount: { amount_minor: number; currency: string } } }>(
      await refund(c.paid),
      202,
    );
    expect(requested).toMatchObject({ payment_id: c.paid, refund: { status: "requested", amount: { amount_minor: 29_900, currency: "RUB" } } });
    const row = await withDb((db) => db.selectFrom("billing.refunds").selectAll().where("payment_id", "=", c.paid).executeTakeFirstOrThrow());
    expect(row).toMatchObject({
      status: "requested",
      idempotency_key: `refund-${c.paid}`,
      requested_by: adminId,
      reason: "charged twice",
      subscription_id: c.subscriptionId,
    });
    const audit = await auditOf("payment", c.paid);
    expect(audit).toEqual([expect.objectContaining({ action: "payment.refund", actor_id: adminId, reason: "charged twice" })]);

    expect((await refund(c.paid)).status).toBe(409);
    expect((await refund(c.pending)).status).toBe(409);
    expect((await refund(c.failed)).status).toBe(409);
    expect(await auditOf("payment", c.pending)).toEqual([]);
    for (const body of [{}, { reason: "  " }, { reason: "x".repeat(2001) }]) expect((await refund(c.failed, body)).status).toBe(400);

    const shown = await json<{ payments: Array<{ id: string; refund: unknown }> }>(await call(`/admin/accounts/${c.userId}`, admin.access_token));
    expect(shown.payments.find((p) => p.id === c.paid)?.refund).toMatchObject({
      status: "requested",
      requested_by: adminId,
      reason: "charged twice",
      amount_minor: 29_900,
    });
  });

  it("refuses a payment whose money the saga is refunding already", async () => {
    const c = await customer();
    await withDb((db) =>
      db
        .insertInto("billing.refunds")
        .values({ payment_id: c.paid, subscription_id: c.subscriptionId, idempotency_key: `refund-${c.paid}`, amount_minor: 29_900, currency: "RUB" })
        .execute(),
    );
    expect((await call(`/admin/payments/${c.paid}/refund`, admin.access_token, { method: "POST", body: { reason: "again" } })).status).toBe(409);
  });
});

describe("GET /admin/consumers", () => {
  it("shows each group's lag per partition and when it was measured", async () => {
    const group = `admin-test-${tag()}`;
    const earlier = new Date(Date.now() - 60_000);
    const now = new Date();
    await withDb((db) =>
      db
        .insertInto("events.consumer_lag")
        .values([
          { group_id: group, topic: "tunec.users", partition: 0, committed_offset: 10, end_offset: 15, lag: 5, measured_at: earlier },
          { group_id: group, topic: "tunec.users", partition: 1, committed_offset: 7, end_offset: 7, lag: 0, measured_at: now },
        ])
        .execute(),
    );
    const body = await json<{ groups: Array<{ group: string; lag: number; measured_at: string; partitions: unknown[] }>; measured_at: string | null }>(
      await call("/admin/consumers", admin.access_token),
    );
    const mine = body.groups.find((g) => g.group === group);
    expect(mine).toEqual({
      group,
      lag: 5,
      measured_at: earlier.toISOString(),
      partitions: [
        { topic: "tunec.users", partition: 0, committed_offset: "10", end_offset: "15", lag: 5, measured_at: earlier.toISOString() },
        { topic: "tunec.users", partition: 1, committed_offset: "7", end_offset: "7", lag: 0, measured_at: now.toISOString() },
      ],
    });
    expect(body.measured_at).not.toBeNull();
  });
});

describe("dead letters", () => {
  interface DeadLetter {
    id: string;
    original_topic: string;
    state: string;
    event_id: string | null;
    reason: string | null;
    replay_requested_by: string | null;
  }

  it("lists them by topic and state; a replay is requested once, audited", async () => {
    const topic = `tunec.test-${tag()}`;
    const letter = (offset: number) => ({
      dlq_topic: `${topic}.dlq`,
      dlq_partition: 0,
      dlq_offset: offset,
      original_topic: topic,
      original_partition: 2,
      original_offset: 40 + offset,
      consumer_group: "users-premium",
      reason: "handler-failed",
      error_message: "Error: boom",
      attempts: 5,
      event_id: crypto.randomUUID(),
      event_type: "tunec.users.user-updated.v1",
      key: "user-1",
      value: '{"specversion":"1.0"}',
      headers: JSON.stringify({ "dlq-reason": "handler-failed" }),
    });
    const ids = await withDb(async (db) =>
      (
        await db
          .insertInto("events.dead_letters")
          .values([letter(0), letter(1)])
          .returning("id")
          .execute()
      ).map((r) => String(r.id)),
    );

    const listed = await json<{ dead_letters: DeadLetter[]; next_before: string | null }>(await call(`/admin/dead-letters?topic=${topic}`, admin.access_token));
    expect(listed.dead_letters.map((d) => d.id)).toEqual([ids[1], ids[0]]);
    expect(listed.dead_letters[0]).toMatchObject({ original_topic: topic, state: "parked", reason: "handler-failed" });
    const firstPage = await json<{ dead_letters: DeadLetter[]; next_before: string | null }>(
      await call(`/admin/dead-letters?topic=${topic}&limit=1`, admin.access_token),
    );
    expect(firstPage.next_before).toBe(ids[1]);

    const replayed = await json<DeadLetter>(await call(`/admin/dead-letters/${ids[0]}/replay`, admin.access_token, { method: "POST" }), 202);
    expect(replayed).toMatchObject({ id: ids[0], state: "replay_requested", replay_requested_by: adminId });
    expect((await call(`/admin/dead-letters/${ids[0]}/replay`, admin.access_token, { method: "POST" })).status).toBe(409);
    expect(await auditOf("dead_letter", String(ids[0]))).toEqual([expect.objectContaining({ action: "dead_letter.replay", actor_id: adminId })]);

    const waiting = await json<{ dead_letters: DeadLetter[] }>(await call(`/admin/dead-letters?topic=${topic}&state=replay_requested`, admin.access_token));
    expect(waiting.dead_letters.map((d) => d.id)).toEqual([ids[0]]);
    const parked = await json<{ dead_letters: DeadLetter[] }>(await call(`/admin/dead-letters?topic=${topic}&state=parked`, admin.access_token));
    expect(parked.dead_letters.map((d) => d.id)).toEqual([ids[1]]);

    for (const query of ["topic=DROP%20TABLE", "state=lost", "before=abc", "limit=0"]) {
      expect((await call(`/admin/dead-letters?${query}`, admin.access_token)).status, query).toBe(400);
    }
    expect((await call("/admin/dead-letters/abc/replay", admin.access_token, { method: "POST" })).status).toBe(400);
  });
});
