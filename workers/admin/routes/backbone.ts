import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { bearerSecurity } from "../../auth/schemas.ts";
import { problemContent } from "../../catalog/schemas.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireRole, principalOf } from "../../platform/edge/authenticate.ts";
import { deadLetterView, listDeadLetters, readConsumerLag, requestReplay } from "../backbone.ts";

const time = z.iso.datetime({ offset: true });
const offset = z.string().openapi({ description: "Decimal string (Kafka offsets are int64).", example: "1024" });

const partitionLagSchema = z.object({
  topic: z.string(),
  partition: z.number().int(),
  committed_offset: offset.openapi({ description: "The next offset the group will read." }),
  end_offset: offset.openapi({ description: "The offset after the partition's last record." }),
  lag: z.number().int(),
  measured_at: time,
});

export const consumersRoute = createRoute({
  method: "get",
  path: "/admin/consumers",
  tags: ["admin"],
  summary: "Consumer lag per group, topic and partition, as the origin last measured it",
  description:
    "The edge cannot ask the event log: every running consumer group writes its lag on its lag timer (every 30 s). " +
    "`measured_at` is when: a group whose service stopped keeps its last measurement, growing older.",
  security: bearerSecurity,
  middleware: [requireRole("admin")] as const,
  responses: {
    200: {
      description: "The lag of every group that has reported",
      content: {
        "application/json": {
          schema: z
            .object({
              groups: z.array(
                z.object({
                  group: z.string(),
                  lag: z.number().int().openapi({ description: "Records published but not handled yet, over all partitions." }),
                  measured_at: time.openapi({ description: "The oldest of its partitions' measurements." }),
                  partitions: z.array(partitionLagSchema),
                }),
              ),
              measured_at: time.nullable().openapi({ description: "The newest measurement; null when no group has reported yet." }),
            })
            .openapi("ConsumerLag"),
        },
      },
    },
    401: { description: "Missing or invalid access token", content: problemContent },
    403: { description: "Not an admin", content: problemContent },
  },
});

const deadLetterStates = ["parked", "replay_requested", "replayed"] as const;

const deadLetterSchema = z
  .object({
    id: z.string(),
    original_topic: z.string(),
    original_partition: z.number().int().nullable(),
    original_offset: offset.nullable(),
    consumer_group: z.string().nullable().openapi({ description: "The group that gave up on it." }),
    reason: z.string().nullable().openapi({ example: "handler-failed" }),
    error_message: z.string().nullable(),
    attempts: z.number().int().nullable(),
    event_id: z.string().nullable(),
    event_type: z.string().nullable(),
    key: z.string(),
    value: z.string().openapi({ description: "The record as it was parked (normally a CloudEvent JSON)." }),
    headers: z.record(z.string(), z.string()),
    failed_at: time.nullable(),
    received_at: time,
    state: z.enum(deadLetterStates),
    replay_requested_at: time.nullable(),
    replay_requested_by: z.uuid().nullable(),
    replayed_at: time.nullable(),
  })
  .openapi("DeadLetter");

const deadLetterId = z.object({
  id: z
    .string()
    .regex(/^[1-9][0-9]{0,18}$/, "expected a dead letter id")
    .openapi({ param: { name: "id", in: "path" }, example: "42" }),
});

export const listDeadLettersRoute = createRoute({
  method: "get",
  path: "/admin/dead-letters",
  tags: ["admin"],
  summary: "Dead letters, newest first",
  description: "Events a consumer group gave up on (copied from the `<topic>.dlq` topics by the origin), filtered by original `topic` and `state`.",
  security: bearerSecurity,
  middleware: [requireRole("admin")] as const,
  request: {
    query: z.object({
      topic: z
        .string()
        .regex(/^[a-z0-9][a-z0-9._-]{0,199}$/, "expected a topic name such as tunec.users")
        .optional(),
      state: z.enum(deadLetterStates, { error: `expected one of ${deadLetterStates.join(", ")}` }).optional(),
      limit: z.coerce.number({ error: "expected 1 to 100" }).int().min(1, "expected 1 to 100").max(100, "expected 1 to 100").default(20),
      before: z
        .string()
        .regex(/^[1-9][0-9]{0,18}$/, "expected the next_before of a previous page")
        .optional(),
    }),
  },
  responses: {
    200: {
      description: "A page of dead letters",
      content: {
        "application/json": { schema: z.object({ dead_letters: z.array(deadLetterSchema), next_before: z.string().nullable() }).openapi("DeadLetterPage") },
      },
    },
    400: { description: "Invalid filter", content: problemContent },
    401: { description: "Missing or invalid access token", content: problemContent },
    403: { description: "Not an admin", content: problemContent },
  },
});

export const replayDeadLetterRoute = createRoute({
  method: "post",
  path: "/admin/dead-letters/{id}/replay",
  tags: ["admin"],
  summary: "Replay a dead letter to its original topic",
  description:
    "Marks it for replay, with the audit entry `dead_letter.replay`, in one transaction; the origin's dead-letters service " +
    "publishes the original record (same event id: groups that had handled it skip it) and sets `replayed_at`. " +
    "Once per dead letter (409 again): a replay that fails again is parked as a new dead letter.",
  security: bearerSecurity,
  middleware: [requireRole("admin")] as const,
  request: { params: deadLetterId },
  responses: {
    202: { description: "The replay is requested", content: { "application/json": { schema: deadLetterSchema } } },
    400: { description: "Invalid id", content: problemContent },
    401: { description: "Missing or invalid access token", content: problemContent },
    403: { description: "Not an admin", content: problemContent },
    404: { description: "No such dead letter", content: problemContent },
    409: { description: "A replay was requested already", content: problemContent },
  },
});

export function registerBackbone(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(consumersRoute, async function consumerLag(c) {
    c.header("cache-control", "no-store");
    return c.json(await readConsumerLag(c.get("services").db), 200);
  });
  app.openapi(listDeadLettersRoute, async function deadLetters(c) {
    const query = c.req.valid("query");
    const rows = await listDeadLetters(c.get("services").db, { topic: query.topic, state: query.state, before: query.before, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    c.header("cache-control", "no-store");
    return c.json({ dead_letters: page.map(deadLetterView), next_before: rows.length > query.limit ? String(page[page.length - 1]?.id) : null }, 200);
  });
  app.openapi(replayDeadLetterRoute, async function replayDeadLetter(c) {
    const admin = principalOf(c);
    const row = await requestReplay(c.get("services").db, {
      id: c.req.valid("param").id,
      actor: { userId: admin.userId, roles: admin.roles },
      requestId: c.get("requestId"),
    });
    c.get("log").info("dead letter replay requested", { dead_letter_id: String(row.id), topic: row.original_topic, event_id: row.event_id, by: admin.userId });
    return c.json(deadLetterView(row), 202);
  });
}
