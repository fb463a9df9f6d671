import { z } from "zod";

/**
 * Typed configuration for every TUNEC process. Each process validates its whole
 * environment once at start-up; a bad setting stops it with one message that
 * names every offending variable and what it expects.
 */

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly issues: ReadonlyArray<{ variable: string; problem: string }>) {
    super("Invalid configuration:\n" + issues.map((issue) => `  - ${issue.variable}: ${issue.problem}`).join("\n"));
  }
}

const port = (fallback: number) =>
  z.coerce
    .number({ error: "expected a TCP port number (1-65535)" })
    .int("expected a TCP port number (1-65535)")
    .min(1, "expected a TCP port number (1-65535)")
    .max(65535, "expected a TCP port number (1-65535)")
    .default(fallback);

const postgresUrl = z.string().regex(/^postgres(ql)?:\/\/.+/, "expected a PostgreSQL URL such as postgres://user:pass@host:5432/db");

const logLevel = z.enum(["debug", "info", "warn", "error"], {
  error: "expected one of debug, info, warn, error",
});

const brokerList = z
  .string()
  .transform((value) =>
    value
      .split(",")
      .map((broker) => broker.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, "expected host:port")).min(1, "expected a comma-separated list of host:port"));

/** Settings of an S3 bucket (origin and, in S3 upload mode, the edge). */
const s3ConfigShape = {
  S3_ENDPOINT: z.url({ error: "expected an http(s) URL such as https://<account>.r2.cloudflarestorage.com" }).optional(),
  S3_REGION: z.string().min(1).default("auto"),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "expected an S3 bucket name")
    .optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: z.enum(["true", "false"], { error: "expected true or false" }).optional(),
};

const internalToken = z.string().min(32, "expected at least 32 characters (e.g. openssl rand -base64 32)");

/** Settings of a process that talks to S3: all of bucket, key id and secret, or none. */
export function requireS3Credentials<
  T extends { S3_BUCKET?: string | undefined; S3_ACCESS_KEY_ID?: string | undefined; S3_SECRET_ACCESS_KEY?: string | undefined },
>(config: T, ctx: z.RefinementCtx): void {
  if (!config.S3_BUCKET) return;
  for (const name of ["S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const) {
    if (!config[name]) ctx.addIssue({ code: "custom", path: [name], message: "is required when S3_BUCKET is set" });
  }
}

/**
 * Which engine answers GET /search (issue 16, docs/search-opensearch.md):
 * PostgreSQL, the embedded default, or OpenSearch (Elasticsearch 7.10 query
 * DSL) at OPENSEARCH_URL. The indexer ships documents to OpenSearch whenever
 * OPENSEARCH_URL is set, whichever engine answers, so a switch needs no rebuild.
 */
const searchConfigShape = {
  SEARCH_ENGINE: z.enum(["postgres", "opensearch"], { error: "expected postgres or opensearch" }).default("postgres"),
  OPENSEARCH_URL: z
    .url({ error: "expected the http(s) URL of an OpenSearch or Elasticsearch node, e.g. http://127.0.0.1:9201" })
    // fetch refuses URLs carrying credentials, and a URL is logged: they have variables of their own.
    .refine((url) => !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url), "expected no user:password@ in the URL: use OPENSEARCH_USERNAME and OPENSEARCH_PASSWORD")
    .optional(),
  /** Basic auth of a secured OpenSearch or Elasticsearch 8+: both, or neither (then OPENSEARCH_API_KEY, or no auth). */
  OPENSEARCH_USERNAME: z.string().min(1).max(1024).optional(),
  OPENSEARCH_PASSWORD: z.string().min(1).max(1024).optional(),
  /** Elasticsearch/OpenSearch API key, the `encoded` value the create-API-key call returns: sent as `Authorization: ApiKey <key>`. */
  OPENSEARCH_API_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/=_:.-]{8,4096}$/, "expected the encoded API key (base64), as the create API key call returns it")
    .optional(),
  /** Aliases are <prefix>-tracks, <prefix>-albums, <prefix>-artists. */
  OPENSEARCH_INDEX_PREFIX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,40}$/, "expected lower-case letters, digits, _ and -, at most 41")
    .default("tunec"),
  OPENSEARCH_TIMEOUT_MS: z.coerce.number({ error: "expected milliseconds" }).int().min(50).max(60_000).default(3_000),
};

function requireOpenSearchUrl(
  config: {
    SEARCH_ENGINE: string;
    OPENSEARCH_URL?: string | undefined;
    OPENSEARCH_USERNAME?: string | undefined;
    OPENSEARCH_PASSWORD?: string | undefined;
    OPENSEARCH_API_KEY?: string | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  if (config.SEARCH_ENGINE === "opensearch" && !config.OPENSEARCH_URL)
    ctx.addIssue({ code: "custom", path: ["OPENSEARCH_URL"], message: "is required when SEARCH_ENGINE=opensearch" });
  if (Boolean(config.OPENSEARCH_USERNAME) !== Boolean(config.OPENSEARCH_PASSWORD))
    ctx.addIssue({
      code: "custom",
      path: [config.OPENSEARCH_USERNAME ? "OPENSEARCH_PASSWORD" : "OPENSEARCH_USERNAME"],
      message: "set both OPENSEARCH_USERNAME and OPENSEARCH_PASSWORD, or neither",
    });
  if (config.OPENSEARCH_API_KEY && config.OPENSEARCH_USERNAME)
    ctx.addIssue({
      code: "custom",
      path: ["OPENSEARCH_API_KEY"],
      message: "set either OPENSEARCH_API_KEY or OPENSEARCH_USERNAME/OPENSEARCH_PASSWORD, not both",
    });
}

/** The credentials the OpenSearch client sends, from validated settings (workers/search/opensearch/client.ts). */
export function openSearchAuth(config: {
  OPENSEARCH_USERNAME?: string | undefined;
  OPENSEARCH_PASSWORD?: string | undefined;
  OPENSEARCH_API_KEY?: string | undefined;
}): { apiKey: string } | { username: string; password: string } | undefined {
  if (config.OPENSEARCH_API_KEY) return { apiKey: config.OPENSEARCH_API_KEY };
  if (config.OPENSEARCH_USERNAME && config.OPENSEARCH_PASSWORD) return { username: config.OPENSEARCH_USERNAME, password: config.OPENSEARCH_PASSWORD };
  return undefined;
}

/** The edge's search settings (workers/search/worker-search.ts). */
export const searchEdgeConfigSchema = z.object(searchConfigShape).superRefine(requireOpenSearchUrl);
export type SearchEdgeConfig = z.infer<typeof searchEdgeConfigSchema>;

/** Settings of the Node side: `npm start`, the origin services and the scripts. */
export const nodeConfigSchema = z.object({
  /** production unless said otherwise: `npm start` says development, tests say test. */
  ENVIRONMENT: z.enum(["development", "test", "production"], { error: "expected one of development, test, production" }).default("production"),
  DATABASE_URL: postgresUrl.optional(),
  /** Connections of each origin service's own pool (services × this ≤ the database's budget). */
  ORIGIN_POOL_SIZE: z.coerce.number({ error: "expected a number of connections" }).int().min(1).max(50).default(4),
  DATA_DIR: z.string().min(1).default(".data"),
  EMBEDDED_DB_PORT: port(54329),
  GATEWAY_PORT: port(8787),
  LOG_LEVEL: logLevel.default("info"),
  KAFKA_BROKERS: brokerList.optional(),
  /** Redis for cached searches (the indexer invalidates them); unset = no cache. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, "expected a Redis URL such as redis://127.0.0.1:6379")
    .optional(),
  ...searchConfigShape,
  /** How CDC captures changes: WAL (logical replication), triggers (PGlite), or auto-detect. */
  CDC_MODE: z.enum(["auto", "wal", "trigger"], { error: "expected one of auto, wal, trigger" }).default("auto"),
  /** Logical replication slot of WAL-mode CDC; slot names are per server, so one per database. */
  CDC_SLOT: z
    .string()
    .regex(/^[a-z0-9_]{1,63}$/, "expected a slot name: lower-case letters, digits and _, at most 63")
    .default("tunec_cdc"),
  /** How long relayed outbox rows are kept (for inspection) before CDC deletes them. */
  CDC_OUTBOX_RETENTION_MINUTES: z.coerce.number({ error: "expected a number of minutes" }).int().min(0).default(60),
  /** Media bucket over S3 (production: R2's S3 API or any S3); unset = the edge's R2 through its internal endpoint. */
  ...s3ConfigShape,
  /** Shared with the edge: authenticates the origin at /internal/objects (embedded mode). */
  STORAGE_INTERNAL_TOKEN: internalToken.optional(),
  /** Where the origin finds the edge's internal object endpoint; default http://127.0.0.1:GATEWAY_PORT. */
  STORAGE_EDGE_URL: z.url({ error: "expected an http(s) URL" }).optional(),
  FFMPEG_PATH: z.string().min(1).default("ffmpeg"),
  /** Hard limit of one ffmpeg run of the transcoder. */
  TRANSCODE_TIMEOUT_SECONDS: z.coerce.number({ error: "expected a number of seconds" }).int().min(10).max(7200).default(600),
  /** `npm start` seeds a demo catalog once unless this is false. */
  DEMO_SEED: z.enum(["true", "false"], { error: "expected true or false" }).default("true"),
  /** Where the notify service sends email (nodemailer URL); the default is the sink `npm start` runs. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/.+/, "expected an SMTP URL such as smtp://user:pass@smtp.example.com:587 or smtps://…:465")
    .default("smtp://127.0.0.1:1025"),
  MAIL_FROM: z
    .string()
    .regex(/^(.+ )?<?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/, 'expected an address such as "TUNEC <noreply@tunec.dev>"')
    .default("TUNEC <noreply@tunec.dev>"),
  /** The development SMTP sink of `npm start` (SMTP, and HTTP for reading what arrived). */
  SMTP_SINK_PORT: port(1025),
  SMTP_SINK_HTTP_PORT: port(8025),
  /** Web Push VAPID key pair (base64url, as `web-push generate-vapid-keys` prints); unset = push disabled (npm start makes one). */
  VAPID_PUBLIC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{87}$/, "expected the base64url of an uncompressed P-256 public key (87 characters)")
    .optional(),
  VAPID_PRIVATE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, "expected the base64url of a 32-byte P-256 private key (43 characters)")
    .optional(),
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:.+@.+|https:\/\/.+)$/, "expected a mailto: or https: URL")
    .default("mailto:support@tunec.dev"),
  /** Base of the links in notifications (account and subscription pages). */
  NOTIFY_APP_URL: z.url({ error: "expected an http(s) URL" }).default("https://tunec.dev"),
  /** Importing favourites (origin users-import): provider API bases, the VK token for link imports, entries per batch. */
  IMPORT_YANDEX_API_URL: z.url({ error: "expected an http(s) URL" }).default("https://api.music.yandex.net"),
  IMPORT_VK_API_URL: z.url({ error: "expected an http(s) URL" }).default("https://api.vk.com"),
  VK_AUDIO_TOKEN: z
    .string()
    .regex(/^\S{16,}$/, "expected a VK user access token allowed to call audio.get")
    .optional(),
  IMPORT_BATCH_SIZE: z.coerce.number({ error: "expected a number of entries" }).int().min(1).max(1000).default(100),
  /** Subscription saga (origin/billing): premium past the period end without a renewal. */
  BILLING_GRACE_HOURS: z.coerce
    .number({ error: "expected a number of hours" })
    .min(0)
    .max(24 * 60)
    .default(72),
  /** How often the saga checks its timers (payment deadlines, expiry) and due refunds. */
  BILLING_TICK_MS: z.coerce.number({ error: "expected milliseconds" }).int().min(50).max(600_000).default(5_000),
  /** A payment still pending this long without a callback is polled at its provider. */
  BILLING_POLL_AFTER_SECONDS: z.coerce.number({ error: "expected a number of seconds" }).int().min(1).max(86_400).default(60),
  /** The saga waits this long past a payment's expiry for a late callback before failing the subscription. */
  BILLING_CALLBACK_SLACK_SECONDS: z.coerce.number({ error: "expected a number of seconds" }).int().min(0).max(86_400).default(120),
});
export type NodeConfig = z.infer<typeof nodeConfigSchema>;

/** Settings of the edge Worker, read from its bindings and vars. */
export const edgeConfigSchema = z.object({
  ENVIRONMENT: z
    .enum(["development", "test", "production"], {
      error: "expected one of development, test, production",
    })
    .default("production"),
  LOG_LEVEL: logLevel.default("info"),
});
export type EdgeConfig = z.infer<typeof edgeConfigSchema>;

const rateWindowUnits = { s: 1, m: 60, h: 3600 } as const;
/** A rate-limit setting such as `10/1m`: 10 requests per minute, all usable at once. */
const ratePolicy = (fallback: string) =>
  z
    .string()
    .regex(/^[1-9]\d{0,6}\/[1-9]\d{0,4}[smh]$/, "expected <limit>/<window> such as 10/1m (s, m or h)")
    .default(fallback)
    .transform((value) => {
      const [limit = "", window = ""] = value.split("/");
      const unit = window.slice(-1) as keyof typeof rateWindowUnits;
      return { limit: Number(limit), periodSeconds: Number(window.slice(0, -1)) * rateWindowUnits[unit] };
    })
    .refine((policy) => policy.limit <= policy.periodSeconds * 1000, "expected at most 1000 per second");

/**
 * Rate limits of the edge (workers/gateway/middleware/rate-limit.ts): per IP
 * for anonymous calls, per user for authenticated ones, and tighter buckets for
 * the credential endpoints (login per IP and per target email).
 */
export const rateLimitConfigSchema = z.object({
  RATE_LIMIT_ANONYMOUS: ratePolicy("120/1m"),
  RATE_LIMIT_USER: ratePolicy("600/1m"),
  RATE_LIMIT_LOGIN_IP: ratePolicy("10/1m"),
  /** Wrong passwords for one email from one address: the tight bucket, so a stranger locks out only themself. */
  RATE_LIMIT_LOGIN_EMAIL: ratePolicy("10/15m"),
  /** Guesses at one email from every address together: loose, against spreading a guess over many addresses. */
  RATE_LIMIT_LOGIN_EMAIL_ANY: ratePolicy("100/15m"),
  RATE_LIMIT_REGISTER: ratePolicy("10/1h"),
  RATE_LIMIT_REFRESH: ratePolicy("30/1m"),
  /** Payment providers' notifications, per sending address: a provider's burst never eats the anonymous bucket, a stranger's flood is cut. */
  RATE_LIMIT_CALLBACKS: ratePolicy("600/1m"),
  /** Account mails (reset, verification, new address) per target email or account: nobody's mailbox is flooded through us. */
  RATE_LIMIT_ACCOUNT_MAIL: ratePolicy("5/1h"),
});
export type RateLimitConfig = z.infer<typeof rateLimitConfigSchema>;

/**
 * Validates `source` against `schema`, collecting every problem at once.
 * @example parseConfig(nodeConfigSchema, process.env)
 */
// Settings whose values must never reach a log line, even when malformed.
const secretName = /(KEY|KEYS|SECRET|PASSWORD|TOKEN)$/;

/** A URL's password is a secret too, wherever it sits. */
function withoutUrlPassword(value: unknown): unknown {
  return typeof value === "string" ? value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#:@]*):[^/?#@]*@/i, "$1:***@") : value;
}

export function parseConfig<S extends z.ZodType>(schema: S, source: Record<string, unknown>): z.infer<S> {
  // Empty strings mean "unset" for environment variables, as shells produce them.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ""));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const key = issue.path[0];
      const received = typeof key === "string" ? cleaned[key] : undefined;
      return {
        variable: issue.path.map(String).join(".") || "(root)",
        problem:
          received === undefined
            ? `is required (${issue.message})`
            : typeof key === "string" && secretName.test(key)
              ? `${issue.message} (value withheld: it is a secret)`
              : `${issue.message}, got ${JSON.stringify(withoutUrlPassword(received))}`,
      };
    }),
  );
}

/**
 * Settings of the edge's ingestion context (workers/ingestion): how upload
 * URLs are signed, where the bytes go, and the origin's internal access.
 */
export const ingestionEdgeConfigSchema = z
  .object({
    ENVIRONMENT: z.enum(["development", "test", "production"]).default("production"),
    /** HMAC-SHA256 key of the edge's upload URLs: base64 or base64url of at least 32 random bytes. */
    UPLOAD_SIGNING_KEY: z
      .string()
      .regex(/^[A-Za-z0-9+/_-]{43,}={0,2}$/, "expected base64 of at least 32 random bytes (openssl rand -base64 32)")
      .optional(),
    UPLOAD_URL_TTL_SECONDS: z.coerce.number({ error: "expected a number of seconds" }).int().min(30).max(86_400).default(900),
    /**
     * r2: the media bucket is the Worker's R2 binding. Uploads go straight to it
     * through R2's S3 API (presigned PUT/multipart) when S3_ENDPOINT/S3_BUCKET
     * and keys name that bucket — required in production, since Cloudflare
     * refuses request bodies over 100 MB on Free/Pro plans; without them (local
     * development) the edge verifies and streams uploads into the binding.
     * s3: any S3 bucket, presigned PUT/multipart straight to it.
     */
    UPLOAD_STORAGE: z.enum(["r2", "s3"], { error: "expected r2 or s3" }).default("r2"),
    /** Files larger than this are uploaded in parts (S3 multipart, or R2 multipart through the edge). */
    UPLOAD_MULTIPART_THRESHOLD_BYTES: z.coerce
      .number({ error: "expected a number of bytes" })
      .int()
      .min(5 * 1024 * 1024, "at least 5 MiB (the smallest part S3 and R2 take)")
      .default(100 * 1024 * 1024),
    /** Size of every part but the last: at least 5 MiB (S3, R2), at most 95 MiB so a part fits under Cloudflare's 100 MB request limit. */
    UPLOAD_PART_SIZE_BYTES: z.coerce
      .number({ error: "expected a number of bytes" })
      .int()
      .min(5 * 1024 * 1024, "at least 5 MiB (the smallest part S3 and R2 take)")
      .max(95 * 1024 * 1024, "at most 95 MiB (Cloudflare refuses request bodies over 100 MB)")
      .default(16 * 1024 * 1024),
    STORAGE_INTERNAL_TOKEN: internalToken.optional(),
    ...s3ConfigShape,
  })
  .superRefine((config, ctx) => {
    if (config.ENVIRONMENT === "production" && !config.UPLOAD_SIGNING_KEY && config.UPLOAD_STORAGE === "r2") {
      ctx.addIssue({ code: "custom", path: ["UPLOAD_SIGNING_KEY"], message: "is required in production (wrangler secret put UPLOAD_SIGNING_KEY)" });
    }
    if (config.UPLOAD_STORAGE === "s3" && !config.S3_BUCKET)
      ctx.addIssue({ code: "custom", path: ["S3_BUCKET"], message: "is required when UPLOAD_STORAGE=s3" });
    if (config.ENVIRONMENT === "production" && config.UPLOAD_STORAGE === "r2" && !config.S3_BUCKET) {
      ctx.addIssue({
        code: "custom",
        path: ["S3_BUCKET"],
        message:
          "is required in production with UPLOAD_STORAGE=r2: the media bucket's name on R2's S3 API, with S3_ENDPOINT and keys, so uploads go straight to R2 (the Worker refuses bodies over 100 MB)",
      });
    }
    requireS3Credentials(config, ctx);
  });
export type IngestionEdgeConfig = z.infer<typeof ingestionEdgeConfigSchema>;
