/** One valid data payload per event type, for tests and documentation. */
import type { EventDataInput, EventType } from "../catalog.ts";
import type { TrackRow } from "../track-events.ts";

const user = "6f1c2b1e-8d3a-4c55-9a57-2a8f4b0d9e11";
const artist = "0b8e6a44-2f0d-4b8e-8f0c-8a1f3c5d7e90";
const track = "3d6c0f2a-7b1e-4e4b-9a6d-1c2b3a4d5e6f";
const upload = "9a7b5c3d-1e2f-4a6b-8c9d-0e1f2a3b4c5d";
const payment = "5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c";
const subscription = "7c6b5a49-3827-4615-a403-f2e1d0c9b8a7";
const play = "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b";

export function sampleTrackRow(overrides: Partial<TrackRow> = {}): TrackRow {
  return {
    id: track,
    title: "Группа крови",
    artist_id: artist,
    album_id: null,
    position: 1,
    duration_ms: 286_000,
    explicit: false,
    genres: ["rock"],
    language: "ru",
    isrc: "RUA1D8800001",
    status: "published",
    published_at: "2026-01-10T09:00:00.123456+00:00",
    created_at: "2026-01-10T09:00:00.000000+00:00",
    updated_at: "2026-01-10T09:00:00.000000+00:00",
    ...overrides,
  };
}

export const sampleData: { [T in EventType]: EventDataInput<T> } = {
  "tunec.ingestion.track-published.v1": {
    uploadId: upload,
    trackId: track,
    artistId: artist,
    uploadedBy: user,
    title: "Группа крови",
    featuredArtistIds: [],
    albumId: null,
    position: null,
    durationMs: 286_000,
    explicit: false,
    genres: ["rock"],
    language: "ru",
    isrc: "RUA1D8800001",
    loudnessLufs: -14.2,
    coverObjectKey: null,
    renditions: [
      { quality: "standard", objectKey: `renditions/${track}/standard.mp3`, codec: "mp3", mimeType: "audio/mpeg", bitrateKbps: 128, sizeBytes: 4_576_000 },
      { quality: "high", objectKey: `renditions/${track}/high.mp3`, codec: "mp3", mimeType: "audio/mpeg", bitrateKbps: 320, sizeBytes: 11_440_000 },
    ],
    publishedAt: "2026-01-10T09:00:00.000Z",
  },
  "tunec.ingestion.upload-rejected.v1": {
    uploadId: upload,
    trackId: track,
    artistId: artist,
    uploadedBy: user,
    reason: { code: "content_type_mismatch", message: "The file is a JPEG image, not audio/mpeg." },
    declaredContentType: "audio/mpeg",
    detectedFormat: "jpeg",
    sizeBytes: 51_234,
    durationMs: null,
    rejectedAt: "2026-01-10T09:00:00.000Z",
  },
  "tunec.catalog.track-updated.v1": {
    op: "u",
    before: sampleTrackRow(),
    after: sampleTrackRow({ title: "Группа крови (remastered)", updated_at: "2026-01-11T10:00:00.000000+00:00" }),
    source: { table: "catalog.tracks", lsn: "0/16B3748", txid: 7421, ts_ms: 1_768_125_600_000 },
  },
  "tunec.catalog.track-deleted.v1": {
    op: "d",
    before: sampleTrackRow(),
    after: null,
    source: { table: "catalog.tracks", ts_ms: 1_768_125_600_000 },
  },
  "tunec.playback.playback-started.v1": {
    playId: play,
    userId: user,
    trackId: track,
    quality: "high",
    deviceId: "web-3f9a",
    premium: true,
    startPositionMs: 0,
    startedAt: "2026-01-10T09:00:00.000Z",
  },
  "tunec.playback.playback-finished.v1": {
    playId: play,
    userId: user,
    trackId: track,
    quality: "high",
    deviceId: "web-3f9a",
    premium: true,
    positionMs: 286_000,
    trackDurationMs: 286_000,
    completed: true,
    startedAt: "2026-01-10T09:00:00.000Z",
    finishedAt: "2026-01-10T09:04:46.000Z",
  },
  "tunec.billing.payment-completed.v1": {
    paymentId: payment,
    userId: user,
    subscriptionId: subscription,
    plan: "monthly",
    method: "sbp",
    provider: "yookassa",
    providerPaymentId: "2f1e8c4a-000f-5000-9000-1b2c3d4e5f60",
    amount: { amountMinor: 29_900, currency: "RUB" },
    received: { amountMinor: 29_900, currency: "RUB" },
    completedAt: "2026-01-10T09:00:00.000Z",
  },
  "tunec.billing.payment-failed.v1": {
    paymentId: payment,
    userId: user,
    subscriptionId: subscription,
    plan: "yearly",
    method: "usdt",
    provider: "tron",
    providerPaymentId: null,
    amount: { amountMinor: 35_000_000, currency: "USDT" },
    reason: { code: "expired", message: "The invoice expired before a payment arrived." },
    failedAt: "2026-01-10T10:00:00+03:00",
  },
  "tunec.billing.subscription-activated.v1": {
    subscriptionId: subscription,
    userId: user,
    plan: "monthly",
    paymentId: payment,
    renewal: false,
    periodStart: "2026-01-10T09:00:00.000Z",
    periodEnd: "2026-02-10T09:00:00.000Z",
    activatedAt: "2026-01-10T09:00:01.000Z",
  },
  "tunec.billing.subscription-failed.v1": {
    subscriptionId: subscription,
    userId: user,
    plan: "monthly",
    paymentId: payment,
    reason: { code: "payment_failed", message: "The bank declined the payment." },
    compensation: "none",
    failedAt: "2026-01-10T09:00:01.000Z",
  },
  "tunec.billing.subscription-expired.v1": {
    subscriptionId: subscription,
    userId: user,
    plan: "monthly",
    reason: "not_renewed",
    periodEnd: "2026-02-10T09:00:00.000Z",
    expiredAt: "2026-02-13T09:00:00.000Z",
  },
  "tunec.users.user-updated.v1": {
    userId: user,
    changed: ["isPremium"],
    displayName: "Виктор",
    avatarUrl: null,
    locale: "ru",
    isPremium: true,
    premiumUntil: "2026-02-10T09:00:00.000Z",
    updatedAt: "2026-01-10T09:00:02.000Z",
  },
  "tunec.auth.account-email-requested.v1": {
    userId: user,
    purpose: "verify-email",
    requestedAt: "2026-01-10T09:00:03.000Z",
  },
};
