import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { applyProviderStatus, recordRejectedCallback } from "../domain/apply-status.ts";
import { problemContent, providerParam } from "../schemas.ts";
import { billingServices } from "../services.ts";

/** Provider notifications are a few hundred bytes; the route is public and records what it refuses. */
export const maxCallbackBytes = 64 * 1024;

export const callbackRoute = createRoute({
  method: "post",
  path: "/billing/callbacks/{provider}",
  tags: ["billing"],
  summary: "Payment provider notifications",
  description:
    "Called by the payment providers (T-Bank, the TRC-20 processor), not by clients. The notification is verified (signature or the provider's documented check), recorded, and moves the payment out of pending at most once; the answer is what the provider expects (T-Bank: `OK`).",
  request: { params: providerParam },
  middleware: [
    bodyLimit({
      maxSize: maxCallbackBytes,
      onError() {
        throw new AppError("PAYLOAD_TOO_LARGE", `A payment notification may be at most ${maxCallbackBytes / 1024} KiB.`);
      },
    }),
  ] as const,
  responses: {
    200: { description: "Recorded", content: { "text/plain": { schema: z.string().openapi({ example: "OK" }) } } },
    400: { description: "The notification could not be verified", content: problemContent },
    404: { description: "No such provider here", content: problemContent },
    413: { description: "Larger than any notification (64 KiB)", content: problemContent },
  },
});

export function registerCallback(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(callbackRoute, async function paymentCallback(c) {
    const { provider: name } = c.req.valid("param");
    const provider = billingServices(c).providers.byName(name);
    if (!provider) throw new AppError("NOT_FOUND", `No payment provider named ${name} here.`);
    const { db } = c.get("services");
    const body = await c.req.raw.clone().text();
    let status;
    try {
      status = await provider.verifyCallback(c.req.raw);
    } catch (error) {
      if (error instanceof AppError) {
        await recordRejectedCallback(db, provider.name, body);
        c.get("log").warn("payment callback refused", { provider: provider.name, code: error.code });
      }
      throw error;
    }
    const outcome = await applyProviderStatus(db, { provider: provider.name, status, callbackBody: body, traceparent: c.get("traceparent") });
    c.get("log").info("payment callback", { provider: provider.name, payment_id: status.paymentId, reported: status.state.status, outcome });
    // Providers read only the body of the acknowledgement (T-Bank: "OK").
    const acknowledgement = provider.acknowledge?.();
    return c.text(acknowledgement ? await acknowledgement.text() : "OK", 200);
  });
}
