import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEvent } from "../../shared/events/build.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { consumeAccountToken } from "../../workers/auth/account-tokens.ts";
import type { AccountMailPurpose } from "../../workers/auth/account-email.ts";
import { databaseAccountLinks, enqueueAccountMail, type AccountMailDeps } from "./account-mail.ts";
import { databaseContactDirectory } from "./contacts.ts";
import { claimDue, markSent } from "./deliveries.ts";

describe.each(databaseKinds())("account mail on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });

  const deps: AccountMailDeps = { contacts: databaseContactDirectory, links: databaseAccountLinks, appUrl: "https://tunec.test", mailDomain: "tunec.test" };
  const logger = createLogger({ service: "test" }, "error");

  async function newAccount(values: { email_verified_at?: Date; pending_email?: string } = {}): Promise<{ id: string; email: string }> {
    const email = `${crypto.randomUUID().slice(0, 12)}@example.com`;
    return database.db
      .insertInto("auth.accounts")
      .values({ email, password_hash: null, ...values })
      .returning(["id", "email"])
      .executeTakeFirstOrThrow();
  }

  async function handle(userId: string, purpose: AccountMailPurpose, requestedAt = new Date()) {
    const { event } = buildEvent({
      type: "tunec.auth.account-email-requested.v1",
      source: "/tunec/auth",
      data: { userId, purpose, requestedAt: requestedAt.toISOString() },
    });
    await database.db.transaction().execute((trx) => enqueueAccountMail(deps, event, trx, { logger }));
    return database.db.selectFrom("notify.deliveries").selectAll().where("event_id", "=", event.id).execute();
  }

  const tokenIn = (text: string) => /#token=([A-Za-z0-9_-]{43})/.exec(text)?.[1] ?? "";

  it("mails a verification link whose token verifies that address; the log forgets the link once sent", async () => {
    const account = await newAccount();
    const [row, ...more] = await handle(account.id, "verify-email");
    expect(more).toEqual([]);
    expect(row).toMatchObject({ channel: "email", recipient: account.email, template: "account-verify-email", locale: "ru" });
    const content = row?.content as { subject: string; text: string; html: string };
    expect(content.subject).toBe("Подтвердите почту для TUNEC");
    expect(content.text).toContain("https://tunec.test/app/account/verify-email#token=");
    expect(content.html).toContain(`#token=${tokenIn(content.text)}`);
    expect(await consumeAccountToken(database.db, tokenIn(content.text), ["verify-email"])).toEqual({
      accountId: account.id,
      purpose: "verify-email",
      email: account.email,
    });

    const claimed = (await claimDue(database.db, "test", 60_000, 1000, 5)).find((due) => due.id === row?.id);
    if (!claimed) throw new Error("not claimed");
    expect(await markSent(database.db, claimed, "test", "250 OK")).toBe(true);
    const sent = await database.db.selectFrom("notify.deliveries").select("content").where("id", "=", claimed.id).executeTakeFirstOrThrow();
    expect(sent.content).toEqual({ subject: "Подтвердите почту для TUNEC", redacted: true });
  });

  it("sends a reset link to the account's address and a change link to the new one", async () => {
    const account = await newAccount({ pending_email: "next-address@example.com" });
    const [reset] = await handle(account.id, "reset-password");
    expect(reset?.recipient).toBe(account.email);
    expect((reset?.content as { text: string }).text).toContain("/app/account/reset-password#token=");
    const [change] = await handle(account.id, "change-email");
    expect(change?.recipient).toBe("next-address@example.com");
    expect(await consumeAccountToken(database.db, tokenIn((change?.content as { text: string }).text), ["change-email"])).toMatchObject({
      email: "next-address@example.com",
    });
  });

  it("sends nothing that is no longer needed or no longer awaited", async () => {
    const verified = await newAccount({ email_verified_at: new Date() });
    expect(await handle(verified.id, "verify-email")).toEqual([]);
    expect(await handle(crypto.randomUUID(), "reset-password")).toEqual([]);
    const late = await newAccount();
    expect(await handle(late.id, "reset-password", new Date(Date.now() - 2 * 3600_000))).toEqual([]);
  });
});
