/**
 * `npm run sandbox:payments`: the T-Bank (SBP) and NOWPayments (USDT) sandboxes
 * standalone, on SBP_SANDBOX_PORT and USDT_SANDBOX_PORT. Never production.
 */
import { ConfigError, parseConfig } from "../../shared/config.ts";
import { createLogger } from "../../shared/logger.ts";
import { paymentProvidersConfigSchema } from "../../workers/billing/domain/providers/config.ts";
import { startPaymentSandboxes } from "./index.ts";

async function main(): Promise<void> {
  const environment = process.env.ENVIRONMENT === "production" ? "development" : (process.env.ENVIRONMENT ?? "development");
  const config = parseConfig(paymentProvidersConfigSchema, { ...process.env, ENVIRONMENT: environment });
  const logger = createLogger({ service: "payment-sandboxes" }, process.env.LOG_LEVEL === "debug" ? "debug" : "info");
  const sandboxes = await startPaymentSandboxes(config, { logger });
  console.log(`[sandbox] SBP (T-Bank API v2)  ${sandboxes.sbp.apiUrl}   control ${sandboxes.sbp.url}/_sandbox/payments`);
  console.log(`[sandbox] USDT (NOWPayments)   ${sandboxes.usdt.apiUrl}   TRON ${sandboxes.usdt.tronNodeUrl}   control ${sandboxes.usdt.url}/_sandbox/payments`);
  console.log("[sandbox] pay a payment: open <sandbox>/_sandbox/pay/<providerPaymentId> — Ctrl-C to stop");
  const stop = async () => {
    await sandboxes.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `[sandbox] start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
