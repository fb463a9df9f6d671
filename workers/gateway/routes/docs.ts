import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../platform/edge/context.ts";

export const openApiInfo = {
  title: "TUNEC API",
  version: "0.1.0",
  description:
    "Edge API of TUNEC, a music-streaming service. Errors are RFC 9457 problem details (`application/problem+json`) with a stable `type` and `code`.",
};

// swagger-ui is served from our own assets (public/docs/vendor, copied from the
// swagger-ui-dist package) so the page also works without a CDN.
const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>TUNEC API reference</title>
<link rel="stylesheet" href="/docs/vendor/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="/docs/vendor/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#reference", deepLinking: true });
</script>
</body>
</html>`;

/** `GET /openapi.json` (OpenAPI 3.1 from the route schemas) and the `/docs` page. */
export function registerDocs(app: OpenAPIHono<GatewayEnv>): void {
  app.openAPIRegistry.registerComponent("schemas", "Problem", {
    type: "object",
    description: "RFC 9457 problem details",
    required: ["type", "title", "status", "code"],
    properties: {
      type: { type: "string", format: "uri" },
      title: { type: "string" },
      status: { type: "integer" },
      detail: { type: "string" },
      instance: { type: "string" },
      code: { type: "string" },
      request_id: { type: "string" },
      errors: {
        type: "array",
        items: {
          type: "object",
          required: ["field", "message"],
          properties: { field: { type: "string" }, message: { type: "string" } },
        },
      },
    },
  });
  app.doc31("/openapi.json", (c) => ({
    openapi: "3.1.0",
    info: openApiInfo,
    servers: [{ url: new URL(c.req.url).origin }],
  }));
  app.get("/docs", function docs(c) {
    return c.html(docsPage);
  });
}
