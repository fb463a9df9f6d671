/**
 * The web app (web/, built into public/app by Vite) at the API's own origin.
 * Workers Static Assets serves every file under /app before the Worker runs;
 * what reaches us is a path no file matches: a deep link into the app
 * (/app/artists/…), which gets the app's index.html to route on the client.
 * The app lives under /app so its pages never shadow an API path.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../platform/edge/context.ts";

/** Fetches a built file; the Worker entry passes the ASSETS binding. */
export type WebAppAssets = (request: Request) => Promise<Response>;

export const webAppBase = "/app/";

/** What the app's pages may do: its own scripts, the API, media from here or a CDN, nothing framed. */
export const webAppSecurityHeaders: Record<string, string> = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; media-src 'self' blob: https:; connect-src 'self' https:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

export function registerWebApp(app: OpenAPIHono<GatewayEnv>, assets: WebAppAssets | undefined): void {
  app.get("/", (c) => c.redirect(webAppBase, 302));
  if (!assets) return;
  app.get("/app", (c) => c.redirect(webAppBase, 301));
  app.get("/app/*", async (c) => {
    // A missing hashed bundle is a real 404; only page paths fall back to the app shell.
    if (c.req.path.startsWith("/app/assets/")) return c.notFound();
    const shell = await assets(new Request(new URL(`${webAppBase}index.html`, c.req.url)));
    if (!shell.ok) return c.notFound();
    const headers = new Headers(shell.headers);
    for (const [name, value] of Object.entries(webAppSecurityHeaders)) headers.set(name, value);
    headers.set("cache-control", "no-cache");
    return new Response(shell.body, { status: 200, headers });
  });
}
