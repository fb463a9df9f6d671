/**
 * The one Kysely `Database` interface: every context's table types are gathered
 * here as `schema.table` keys. Contexts add their `*.table.ts` files and list
 * them below.
 */
import type { AdCampaignsTable, AdCreativesTable, AdImpressionsTable } from "./ads.table.ts";
import type { AuditEntriesTable } from "./audit.table.ts";
import type { AccountsTable, IdentitiesTable, AccountTokensTable } from "./auth.table.ts";
import type {
  CallbacksTable,
  RefusedCallbackCountsTable,
  IdempotencyKeysTable,
  PaymentsTable,
  RefundsTable,
  SagaStepsTable,
  SubscriptionsTable,
} from "./billing.table.ts";
import type {
  AlbumsTable,
  ArtistApplicationsTable,
  ArtistManagersTable,
  ArtistsTable,
  RenditionsTable,
  TrackArtistsTable,
  TracksTable,
} from "./catalog.table.ts";
import type { LogGroupOffsetsTable, LogLeasesTable, LogMembersTable, LogPartitionsTable, LogRecordsTable, LogTopicsTable } from "./event-log.table.ts";
import type { ConsumerLagTable, DeadLettersTable, InboxTable, OutboxTable } from "./events.table.ts";
import type { UploadPartsTable, UploadsTable } from "./ingestion.table.ts";
import type { MigrationsTable } from "./migrations.table.ts";
import type { DeliveriesTable, PushSubscriptionsTable } from "./notify.table.ts";
import type {
  LikesTable,
  ListeningHistoryTable,
  PlaylistEditorsTable,
  PlaylistFollowersTable,
  PlaylistsTable,
  PlaylistTracksTable,
  ProfilesTable,
} from "./users.table.ts";
import type { ImportEntriesTable, ImportsTable } from "./users-import.table.ts";
import type { RecsDailyMixesTable, RecsHiddenTracksTable, RecsTasteTable, RecsWaveServedTable, RecsWaveSessionsTable } from "./recs-serving.table.ts";
import type {
  RecsArtistNeighborsTable,
  RecsInteractionsTable,
  RecsModelRunsTable,
  RecsNeighborRefreshesTable,
  RecsPopularTracksTable,
  RecsTrackNeighborsTable,
} from "./recs.table.ts";
import type { ApiKeysTable, AppPasswordsTable, PlayQueuesTable } from "./subsonic.table.ts";
import type {
  SearchAlbumsTable,
  SearchArtistsTable,
  SearchOpenSearchPendingTable,
  SearchOpenSearchSyncTable,
  SearchTermsTable,
  SearchTracksTable,
  TrackStatsTable,
  TrackDailyPlaysTable,
  TrackDailyStatsTable,
} from "./search.table.ts";

export interface Database {
  "public.schema_migrations": MigrationsTable;
  "events.outbox": OutboxTable;
  "events.inbox": InboxTable;
  "events.consumer_lag": ConsumerLagTable;
  "events.dead_letters": DeadLettersTable;
  "events.log_topics": LogTopicsTable;
  "events.log_partitions": LogPartitionsTable;
  "events.log_records": LogRecordsTable;
  "events.log_group_offsets": LogGroupOffsetsTable;
  "events.log_members": LogMembersTable;
  "events.log_leases": LogLeasesTable;
  "auth.accounts": AccountsTable;
  "auth.identities": IdentitiesTable;
  "auth.account_tokens": AccountTokensTable;
  "catalog.artists": ArtistsTable;
  "catalog.artist_managers": ArtistManagersTable;
  "catalog.artist_applications": ArtistApplicationsTable;
  "catalog.albums": AlbumsTable;
  "catalog.tracks": TracksTable;
  "catalog.track_artists": TrackArtistsTable;
  "catalog.renditions": RenditionsTable;
  "catalog.track_stats": TrackStatsTable;
  "catalog.track_daily_plays": TrackDailyPlaysTable;
  "catalog.track_daily_stats": TrackDailyStatsTable;
  "search.tracks": SearchTracksTable;
  "search.artists": SearchArtistsTable;
  "search.albums": SearchAlbumsTable;
  "search.terms": SearchTermsTable;
  "search.opensearch_sync": SearchOpenSearchSyncTable;
  "search.opensearch_pending": SearchOpenSearchPendingTable;
  "ingestion.uploads": UploadsTable;
  "ingestion.upload_parts": UploadPartsTable;
  "billing.subscriptions": SubscriptionsTable;
  "billing.payments": PaymentsTable;
  "billing.callbacks": CallbacksTable;
  "billing.refused_callback_counts": RefusedCallbackCountsTable;
  "billing.idempotency_keys": IdempotencyKeysTable;
  "billing.saga_steps": SagaStepsTable;
  "billing.refunds": RefundsTable;
  "users.profiles": ProfilesTable;
  "ads.campaigns": AdCampaignsTable;
  "ads.creatives": AdCreativesTable;
  "ads.impressions": AdImpressionsTable;
  "users.likes": LikesTable;
  "users.listening_history": ListeningHistoryTable;
  "notify.deliveries": DeliveriesTable;
  "notify.push_subscriptions": PushSubscriptionsTable;
  "users.playlists": PlaylistsTable;
  "users.playlist_tracks": PlaylistTracksTable;
  "users.playlist_editors": PlaylistEditorsTable;
  "users.playlist_followers": PlaylistFollowersTable;
  "users.imports": ImportsTable;
  "users.import_entries": ImportEntriesTable;
  "audit.entries": AuditEntriesTable;
  "recs.interactions": RecsInteractionsTable;
  "recs.track_neighbors": RecsTrackNeighborsTable;
  "recs.artist_neighbors": RecsArtistNeighborsTable;
  "recs.popular_tracks": RecsPopularTracksTable;
  "recs.model_runs": RecsModelRunsTable;
  "recs.neighbor_refreshes": RecsNeighborRefreshesTable;
  "recs.hidden_tracks": RecsHiddenTracksTable;
  "recs.taste": RecsTasteTable;
  "recs.wave_sessions": RecsWaveSessionsTable;
  "recs.wave_served": RecsWaveServedTable;
  "recs.daily_mixes": RecsDailyMixesTable;
  "subsonic.api_keys": ApiKeysTable;
  "subsonic.app_passwords": AppPasswordsTable;
  "subsonic.play_queues": PlayQueuesTable;
}
