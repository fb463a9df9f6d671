import { OpenAPIHono } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import type { GatewayEnv } from "../platform/edge/context.ts";
import { onError } from "../platform/edge/problem.ts";

describe("a database timeout at the gateway", () => {
  it("answers 503 with Retry-After, not 500", async () => {
    const app = new OpenAPIHono<GatewayEnv>();
    app.onError(onError);
    app.get("/slow", () => {
      throw Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" });
    });
    app.get("/broken", () => {
      throw new Error("something else");
    });
    const slow = await app.request("/slow");
    expect(slow.status).toBe(503);
    expect(slow.headers.get("retry-after")).toBe("5");
    expect(await slow.json()).toMatchObject({ code: "SERVICE_UNAVAILABLE", status: 503 });
    expect((await app.request("/broken")).status).toBe(500);
  });
});
