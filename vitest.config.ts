import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const looseRateLimits = Object.fromEntries(
  [
    ...["ANONYMOUS", "USER", "LOGIN_IP", "LOGIN_EMAIL", "LOGIN_EMAIL_ANY", "REGISTER", "REFRESH", "CALLBACKS"].map((name) => `RATE_LIMIT_${name}`),
    // /rest's own buckets (workers/subsonic/rate-limit.ts); its rate-limit test builds apps with small ones.
    "SUBSONIC_RATE_LIMIT",
    "SUBSONIC_RATE_LIMIT_IP",
  ].map((name) => [name, "1000000/1h"]),
);

/**
 * Two projects: `edge` runs Worker and Durable Object code inside workerd;
 * `node` runs shared code, origin services, scripts and integration suites
 * against real PostgreSQL, Kafka and Redis. `*.node.test.ts` files beside edge
 * code run in Node (e.g. validators that need `new Function`).
 */
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              hyperdrives: { HYPERDRIVE: inject("edgeDatabaseUrl") },
              // Suites share one client address through SELF, so the Worker under test gets
              // loose limits; rate-limit tests build apps with the production defaults.
              bindings: {
                ENVIRONMENT: "test",
                LOG_LEVEL: "warn",
                ...looseRateLimits,
                // The search contract runs over the OpenSearch adapter too when a node is up (.ci/run starts one).
                ...(process.env.OPENSEARCH_URL ? { OPENSEARCH_URL: process.env.OPENSEARCH_URL } : {}),
              },
            },
          })),
        ],
        test: {
          name: "edge",
          include: ["workers/**/*.test.ts", "durable-objects/**/*.test.ts"],
          exclude: ["**/*.node.test.ts", "node_modules/**"],
          globalSetup: ["./test/global-setup.ts", "./test/oidc-provider-setup.ts"],
          setupFiles: ["./test/edge-data-files.ts"],
        },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: ["shared/**/*.test.ts", "origin/**/*.test.ts", "scripts/**/*.test.ts", "migrations/**/*.test.ts", "**/*.node.test.ts"],
          exclude: ["node_modules/**"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
