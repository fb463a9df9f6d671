import type { OutboxRelay } from "../../durable-objects/outbox-relay/outbox-relay.ts";
import type { RateLimiter } from "../../durable-objects/rate-limiter/rate-limiter.ts";
import type { SessionDurableObject } from "../../durable-objects/session/session.ts";

/** The bindings and vars of the TUNEC Worker (wrangler.toml). */
export interface WorkerBindings {
  HYPERDRIVE: Hyperdrive;
  /** Static assets (public/: the web app under /app, the API docs' vendor files). */
  ASSETS: Fetcher;
  /** One Session Durable Object per user: refresh-token families and devices. */
  SESSIONS: DurableObjectNamespace<SessionDurableObject>;
  /** A few shared objects relaying the Session objects' playback events to events.outbox over one kept connection each. */
  OUTBOX_RELAY: DurableObjectNamespace<OutboxRelay>;
  /** Secret: JSON array of private JWKs with kid and status (workers/auth/signing-keys.ts). */
  JWT_SIGNING_KEYS?: string;
  JWT_ISSUER?: string;
  JWT_AUDIENCE?: string;
  /** One RateLimiter Durable Object per client key (IP, user, login email). */
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  /** Rate limits as `<limit>/<window>`, e.g. "10/1m" (shared/config.ts rateLimitConfigSchema). */
  RATE_LIMIT_ANONYMOUS?: string;
  RATE_LIMIT_USER?: string;
  RATE_LIMIT_LOGIN_IP?: string;
  RATE_LIMIT_LOGIN_EMAIL?: string;
  RATE_LIMIT_LOGIN_EMAIL_ANY?: string;
  RATE_LIMIT_REGISTER?: string;
  RATE_LIMIT_REFRESH?: string;
  RATE_LIMIT_CALLBACKS?: string;
  /** Secret encrypting the OAuth flow cookie (workers/auth/oauth/config.ts); required in production with a provider. */
  OAUTH_STATE_SECRET?: string;
  /**
   * Per provider P in GOOGLE, VK, YANDEX: OAUTH_P_CLIENT_ID enables it, then OAUTH_P_CLIENT_SECRET,
   * OAUTH_P_REDIRECT_URI and optionally OAUTH_P_ISSUER, _AUTHORIZATION_URL, _TOKEN_URL, _USERINFO_URL.
   */
  OAUTH_GOOGLE_CLIENT_ID?: string;
  OAUTH_GOOGLE_CLIENT_SECRET?: string;
  OAUTH_GOOGLE_REDIRECT_URI?: string;
  OAUTH_GOOGLE_ISSUER?: string;
  OAUTH_VK_CLIENT_ID?: string;
  OAUTH_VK_CLIENT_SECRET?: string;
  OAUTH_VK_REDIRECT_URI?: string;
  OAUTH_VK_ISSUER?: string;
  OAUTH_VK_AUTHORIZATION_URL?: string;
  OAUTH_VK_TOKEN_URL?: string;
  OAUTH_VK_USERINFO_URL?: string;
  OAUTH_YANDEX_CLIENT_ID?: string;
  OAUTH_YANDEX_CLIENT_SECRET?: string;
  OAUTH_YANDEX_REDIRECT_URI?: string;
  OAUTH_YANDEX_ISSUER?: string;
  OAUTH_YANDEX_AUTHORIZATION_URL?: string;
  OAUTH_YANDEX_TOKEN_URL?: string;
  OAUTH_YANDEX_USERINFO_URL?: string;
  /** The media bucket (workers/ingestion): sources, renditions, covers. */
  MEDIA: R2Bucket;
  /** Secret: HMAC key of the edge's upload URLs (base64 of ≥ 32 bytes); required in production. */
  UPLOAD_SIGNING_KEY?: string;
  UPLOAD_URL_TTL_SECONDS?: string;
  UPLOAD_MULTIPART_THRESHOLD_BYTES?: string;
  UPLOAD_PART_SIZE_BYTES?: string;
  /** r2 (default) or s3: where uploads go (shared/config.ts ingestionEdgeConfigSchema). */
  UPLOAD_STORAGE?: string;
  /** Secret: enables /internal/objects for the origin (embedded mode). */
  STORAGE_INTERNAL_TOKEN?: string;
  S3_ENDPOINT?: string;
  S3_REGION?: string;
  S3_BUCKET?: string;
  S3_ACCESS_KEY_ID?: string;
  S3_SECRET_ACCESS_KEY?: string;
  S3_FORCE_PATH_STYLE?: string;
  /** Upstash Redis REST endpoint and token: enable the hot-search cache at the edge (shared/cache/upstash-cache.ts). */
  UPSTASH_REDIS_REST_URL?: string;
  UPSTASH_REDIS_REST_TOKEN?: string;
  /** postgres (default) or opensearch: the engine of GET /search (shared/config.ts searchEdgeConfigSchema, docs/search-opensearch.md). */
  SEARCH_ENGINE?: string;
  OPENSEARCH_URL?: string;
  OPENSEARCH_INDEX_PREFIX?: string;
  OPENSEARCH_TIMEOUT_MS?: string;
  /** Secured OpenSearch / Elasticsearch 8+: basic auth (both), or an API key (Worker secrets). */
  OPENSEARCH_USERNAME?: string;
  OPENSEARCH_PASSWORD?: string;
  OPENSEARCH_API_KEY?: string;
  /** Public base URL of media objects (covers, artist images), e.g. https://media.tunec.dev/; default /media/. */
  MEDIA_BASE_URL?: string;
  /** Secret: HMAC key of media URLs (workers/playback); derived from UPLOAD_SIGNING_KEY when unset. */
  MEDIA_SIGNING_KEY?: string;
  /** Secret: AES-256-GCM key of Subsonic app passwords (workers/subsonic), base64 of 32 bytes; required in production. */
  SUBSONIC_SECRET_KEY?: string;
  /** Media URL lifetime in seconds (default 900). */
  MEDIA_URL_TTL_SECONDS?: string;
  /** r2 or s3: how media URLs are made; defaults to UPLOAD_STORAGE. */
  MEDIA_STORAGE?: string;
  /** Billing (workers/billing/services.ts): prices in minor units, how long a QR / invoice may be paid, the grace period shown. */
  BILLING_PRICE_MONTHLY_RUB?: string;
  BILLING_PRICE_YEARLY_RUB?: string;
  BILLING_PRICE_MONTHLY_USDT?: string;
  BILLING_PRICE_YEARLY_USDT?: string;
  BILLING_PAYMENT_TTL_SECONDS?: string;
  BILLING_GRACE_HOURS?: string;
  ENVIRONMENT?: string;
  LOG_LEVEL?: string;
}

declare global {
  namespace Cloudflare {
    // `cloudflare:test`'s `env` is typed by this interface.
    interface Env extends WorkerBindings {}
  }
}
