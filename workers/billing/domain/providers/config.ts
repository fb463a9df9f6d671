/**
 * Settings of the payment adapters (edge bindings and origin environment
 * alike). Outside production every value defaults to the local sandboxes of
 * `npm start` (origin/billing-sandbox); in production the endpoints default to
 * the real providers and the secrets are required.
 */
import { z } from "zod";
import type { NowPaymentsProviderConfig } from "./nowpayments/nowpayments-provider.ts";
import type { TbankProviderConfig } from "./tbank/tbank-provider.ts";

/** The sandboxes' credentials: public on purpose, refused in production. */
export const sandboxCredentials = {
  SBP_TERMINAL_KEY: "TunecSandboxTerminal",
  SBP_PASSWORD: "tunec-sandbox-sbp-password",
  USDT_API_KEY: "TUNEC-SANDBOX-NOWPAYMENTS-KEY",
  USDT_IPN_SECRET: "tunec-sandbox-ipn-secret",
  USDT_ACCOUNT_EMAIL: "billing@tunec.local",
  USDT_ACCOUNT_PASSWORD: "tunec-sandbox-account-password",
  USDT_PAYOUT_2FA_SECRET: "TUNECSANDBOXPAYOUTSECRET2FA23456",
} as const;

export const productionEndpoints = {
  SBP_API_URL: "https://securepay.tinkoff.ru/v2",
  USDT_API_URL: "https://api.nowpayments.io/v1",
  USDT_TRON_NODE_URL: "https://api.trongrid.io",
} as const;

const port = (fallback: number) => z.coerce.number({ error: "expected a TCP port number (1-65535)" }).int().min(1).max(65535).default(fallback);
const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http(s) URL" });

export const paymentProvidersConfigSchema = z
  .object({
    ENVIRONMENT: z.enum(["development", "test", "production"], { error: "expected one of development, test, production" }).default("production"),
    /** Where providers reach our callback routes: <base>/billing/callbacks/<provider>. */
    BILLING_CALLBACK_BASE_URL: httpUrl.optional(),
    /** The local sandboxes (`npm start`, `npm run sandbox:payments`). */
    PAYMENT_SANDBOX_HOST: z.string().min(1).default("127.0.0.1"),
    SBP_SANDBOX_PORT: port(8790),
    USDT_SANDBOX_PORT: port(8791),
    /** T-Bank Internet Acquiring API v2. */
    SBP_API_URL: httpUrl.optional(),
    SBP_TERMINAL_KEY: z.string().min(1).optional(),
    SBP_PASSWORD: z.string().min(1).optional(),
    /** NOWPayments API v1, USDT TRC-20. */
    USDT_API_URL: httpUrl.optional(),
    USDT_API_KEY: z.string().min(1).optional(),
    USDT_IPN_SECRET: z.string().min(1).optional(),
    /** Login of the NOWPayments account: refunds (payouts) and finding a payment again after a crash. */
    USDT_ACCOUNT_EMAIL: z.string().min(1).optional(),
    USDT_ACCOUNT_PASSWORD: z.string().min(1).optional(),
    /** The account's 2FA secret (base32), so refunds (payouts) are verified without a person. */
    USDT_PAYOUT_2FA_SECRET: z
      .string()
      .regex(/^[A-Za-z2-7 =]{16,}$/, "expected a base32 2FA secret")
      .optional(),
    /** A TRON full node's HTTP API; TUNEC counts confirmations itself. */
    USDT_TRON_NODE_URL: httpUrl.optional(),
    USDT_TRON_API_KEY: z.string().min(1).optional(),
    /** Blocks (the transfer's own included) before a USDT payment counts; TRON finalises at 19. */
    USDT_REQUIRED_CONFIRMATIONS: z.coerce.number({ error: "expected a number of blocks" }).int().min(1).max(1000).default(19),
  })
  .superRefine((config, ctx) => {
    if (config.ENVIRONMENT !== "production") return;
    const required = ["BILLING_CALLBACK_BASE_URL", "SBP_TERMINAL_KEY", "SBP_PASSWORD", "USDT_API_KEY", "USDT_IPN_SECRET"] as const;
    for (const name of required) {
      if (!config[name]) ctx.addIssue({ code: "custom", path: [name], message: "is required in production" });
    }
    for (const [name, value] of Object.entries(sandboxCredentials)) {
      if (config[name as keyof typeof sandboxCredentials] === value)
        ctx.addIssue({ code: "custom", path: [name], message: "is the public sandbox value; set the provider's credential" });
    }
    // A sandbox (or any plain-http endpoint) in production would take forged callbacks and fake money.
    for (const name of ["BILLING_CALLBACK_BASE_URL", "SBP_API_URL", "USDT_API_URL", "USDT_TRON_NODE_URL"] as const) {
      const value = config[name];
      if (value && !value.startsWith("https://"))
        ctx.addIssue({ code: "custom", path: [name], message: "must be an https URL in production (the sandboxes are for development)" });
    }
  })
  .transform((config) => {
    const production = config.ENVIRONMENT === "production";
    const sandboxUrl = (sandboxPort: number) => `http://${config.PAYMENT_SANDBOX_HOST}:${sandboxPort}`;
    const callbackBase = (config.BILLING_CALLBACK_BASE_URL ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
    const pick = <K extends keyof typeof sandboxCredentials>(name: K): string => config[name] ?? sandboxCredentials[name];
    const sbp: TbankProviderConfig = {
      apiUrl: config.SBP_API_URL ?? (production ? productionEndpoints.SBP_API_URL : `${sandboxUrl(config.SBP_SANDBOX_PORT)}/v2`),
      terminalKey: pick("SBP_TERMINAL_KEY"),
      password: pick("SBP_PASSWORD"),
      notificationUrl: `${callbackBase}/billing/callbacks/tbank`,
    };
    const usdt: NowPaymentsProviderConfig = {
      apiUrl: config.USDT_API_URL ?? (production ? productionEndpoints.USDT_API_URL : `${sandboxUrl(config.USDT_SANDBOX_PORT)}/v1`),
      apiKey: pick("USDT_API_KEY"),
      ipnSecret: pick("USDT_IPN_SECRET"),
      notificationUrl: `${callbackBase}/billing/callbacks/nowpayments`,
      tronNodeUrl: config.USDT_TRON_NODE_URL ?? (production ? productionEndpoints.USDT_TRON_NODE_URL : `${sandboxUrl(config.USDT_SANDBOX_PORT)}/tron`),
      tronApiKey: config.USDT_TRON_API_KEY,
      requiredConfirmations: config.USDT_REQUIRED_CONFIRMATIONS,
      accountEmail: production ? config.USDT_ACCOUNT_EMAIL : pick("USDT_ACCOUNT_EMAIL"),
      accountPassword: production ? config.USDT_ACCOUNT_PASSWORD : pick("USDT_ACCOUNT_PASSWORD"),
      payoutTotpSecret: production ? config.USDT_PAYOUT_2FA_SECRET : pick("USDT_PAYOUT_2FA_SECRET"),
    };
    return {
      environment: config.ENVIRONMENT,
      sbp,
      usdt,
      sandbox: { host: config.PAYMENT_SANDBOX_HOST, sbpPort: config.SBP_SANDBOX_PORT, usdtPort: config.USDT_SANDBOX_PORT },
    };
  });
export type PaymentProvidersConfig = z.output<typeof paymentProvidersConfigSchema>;
