import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { waitFor } from "../events/consumer/testing.ts";
import { claimDue, failAbandoned, markAttemptFailed, markSent, queueDeliveries, type NewDelivery } from "./deliveries.ts";

// The delivery log as a work queue: what happens when a dispatcher dies between sending and recording.
describe.each(databaseKinds())("notify.deliveries on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });

  const delivery = (eventId = crypto.randomUUID()): NewDelivery => ({
    event_id: eventId,
    event_type: "tunec.billing.subscription-activated.v1",
    user_id: crypto.randomUUID(),
    channel: "email",
    recipient: `${crypto.randomUUID()}@example.com`,
    locale: "ru",
    template: "subscription-activated",
    content: { subject: "s", text: "t", html: "<p>t</p>", messageId: "<m@tunec.dev>" },
    trace_id: null,
  });
  const rowOf = (eventId: string) => database.db.selectFrom("notify.deliveries").selectAll().where("event_id", "=", eventId).executeTakeFirstOrThrow();

  it("queues a message once per event, channel and recipient", async () => {
    const row = delivery();
    expect(await queueDeliveries(database.db, [row])).toBe(1);
    expect(await queueDeliveries(database.db, [row, { ...row }])).toBe(0);
    expect(await queueDeliveries(database.db, [{ ...row, channel: "push", recipient: "https://push.example.net/1" }])).toBe(1);
  });

  it("a send whose dispatcher died is taken again once its lease ends (at least once); the dead one cannot record over it", async () => {
    const row = delivery();
    await queueDeliveries(database.db, [row]);
    const [first] = (await claimDue(database.db, "dispatcher-a", 1_500, 1000, 5)).filter((claimed) => claimed.event_id === row.event_id);
    expect(first).toMatchObject({ status: "sending", attempts: 1, lease_owner: "dispatcher-a" });
    // While A holds the lease nobody else takes it.
    expect((await claimDue(database.db, "dispatcher-b", 200, 1000, 5)).some((claimed) => claimed.event_id === row.event_id)).toBe(false);
    // A "crashes" after sending; its lease runs out and B sends again.
    let second: Awaited<ReturnType<typeof claimDue>>[number] | undefined;
    await waitFor(async () => {
      second = (await claimDue(database.db, "dispatcher-b", 60_000, 1000, 5)).find((claimed) => claimed.event_id === row.event_id);
      return second !== undefined;
    }, "the lease to run out");
    expect(second).toMatchObject({ attempts: 2, lease_owner: "dispatcher-b" });
    if (!first || !second) throw new Error("unreachable");
    expect(await markSent(database.db, first, "dispatcher-a", "late")).toBe(false);
    expect(await markSent(database.db, second, "dispatcher-b", "250 OK")).toBe(true);
    expect(await rowOf(row.event_id)).toMatchObject({ status: "sent", attempts: 2, provider_message_id: "250 OK", lease_owner: null });
  });

  it("a transient failure waits for its retry time; a last attempt cut off by a crash ends as failed, not silently pending", async () => {
    const row = delivery();
    await queueDeliveries(database.db, [row]);
    const [claimed] = (await claimDue(database.db, "a", 60_000, 1000, 2)).filter((c) => c.event_id === row.event_id);
    if (!claimed) throw new Error("not claimed");
    await markAttemptFailed(database.db, claimed, "a", { status: "pending", retryInMs: 60_000, error: "451 try later" });
    expect((await claimDue(database.db, "b", 60_000, 1000, 2)).some((c) => c.event_id === row.event_id)).toBe(false);
    expect(await rowOf(row.event_id)).toMatchObject({ status: "pending", attempts: 1, last_error: "451 try later" });

    await database.db
      .updateTable("notify.deliveries")
      .set({ next_attempt_at: new Date(0) })
      .where("event_id", "=", row.event_id)
      .execute();
    const [last] = (await claimDue(database.db, "b", 1, 1000, 2)).filter((c) => c.event_id === row.event_id);
    expect(last?.attempts).toBe(2);
    await waitFor(
      async () => (await failAbandoned(database.db, 2)) > 0 || (await rowOf(row.event_id)).status === "failed",
      "the abandoned last attempt to be failed",
    );
    expect(await rowOf(row.event_id)).toMatchObject({ status: "failed", attempts: 2 });
    expect((await rowOf(row.event_id)).last_error).toContain("stopped mid-send");
  });
});
