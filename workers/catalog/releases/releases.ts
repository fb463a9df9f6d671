/**
 * Releases (albums, EPs, singles) as their artists manage them. A release is
 * a catalog.albums row; its track order is the tracks' `position`. Every write
 * goes to the catalog's own tables, so CDC turns the track rows it touches
 * into TrackUpdated and the search documents follow (architecture: "Admin
 * edit"). A release is only ever reached through the caller's
 * catalog.artist_managers links: another profile's release is "not found".
 */
import { sql, type Kysely, type Transaction } from "kysely";
import type { AlbumKind, TrackStatus } from "../../../shared/db/catalog.table.ts";
import type { Database } from "../../../shared/db/database.ts";
import { AppError } from "../../../shared/errors.ts";

type Db = Kysely<Database> | Transaction<Database>;

export type ReleaseType = Extract<AlbumKind, "album" | "ep" | "single">;

export interface ReleaseRecord {
  id: string;
  artist_id: string;
  artist_name: string;
  title: string;
  kind: AlbumKind;
  /** YYYY-MM-DD */
  release_date: string | null;
  cover_key: string | null;
  genres: string[];
  track_count: number;
  /** RFC 3339 with microseconds: also the exact keyset position of listings. */
  created_at: string;
  updated_at: string;
}

export interface ReleaseTrack {
  id: string;
  title: string;
  position: number | null;
  status: TrackStatus;
  duration_ms: number;
}

export interface NewRelease {
  artistId: string;
  title: string;
  type: ReleaseType;
  releaseDate: string | null;
  genres: string[];
}

export interface ReleaseEdit {
  title?: string | undefined;
  type?: ReleaseType | undefined;
  releaseDate?: string | null | undefined;
  genres?: string[] | undefined;
  /** Only null (remove) here: a new cover arrives through PUT /me/releases/{id}/cover. */
  coverKey?: string | null | undefined;
}

const utcMicros = (column: string) => sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function selectReleases(db: Db) {
  return db
    .selectFrom("catalog.albums as al")
    .innerJoin("catalog.artists as ar", "ar.id", "al.artist_id")
    .select([
      "al.id",
      "al.artist_id",
      "ar.name as artist_name",
      "al.title",
      "al.kind",
      sql<string | null>`to_char(al.release_date, 'YYYY-MM-DD')`.as("release_date"),
      "al.cover_key",
      "al.genres",
      sql<number>`(select count(*)::int from catalog.tracks t where t.album_id = al.id)`.as("track_count"),
      utcMicros("al.created_at").as("created_at"),
      utcMicros("al.updated_at").as("updated_at"),
    ]);
}

/** Whether the account manages the release's artist profile, as a condition on `al`. */
const managedBy = (userId: string) => sql<boolean>`exists (select 1 from catalog.artist_managers m where m.artist_id = al.artist_id and m.user_id = ${userId})`;

function notFound(id: string): AppError {
  // One answer for "no such release" and "another artist's release": ids of others' drafts never leak.
  return new AppError("NOT_FOUND", `No release of yours has the id ${id}.`);
}

export async function createRelease(db: Kysely<Database>, release: NewRelease): Promise<ReleaseRecord> {
  const row = await db
    .insertInto("catalog.albums")
    .values({ artist_id: release.artistId, title: release.title, kind: release.type, release_date: release.releaseDate, genres: release.genres })
    .returning("id")
    .executeTakeFirstOrThrow();
  return (await selectReleases(db).where("al.id", "=", row.id).executeTakeFirstOrThrow()) as ReleaseRecord;
}

/** The caller's release with its tracks in order (every status: the artist sees drafts and takedowns too). */
export async function findManagedRelease(db: Db, userId: string, id: string): Promise<{ release: ReleaseRecord; tracks: ReleaseTrack[] }> {
  const release = (await selectReleases(db).where("al.id", "=", id).where(managedBy(userId)).executeTakeFirst()) as ReleaseRecord | undefined;
  if (!release) throw notFound(id);
  return { release, tracks: await releaseTracks(db, id) };
}

async function releaseTracks(db: Db, id: string): Promise<ReleaseTrack[]> {
  return db
    .selectFrom("catalog.tracks")
    .select(["id", "title", "position", "status", "duration_ms"])
    .where("album_id", "=", id)
    .orderBy(sql`position nulls last`)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

/** The releases of the profiles the account manages (or of one of them), newest first. */
export async function listManagedReleases(
  db: Db,
  input: { userId: string; artistId?: string | undefined; limit: number; after?: { at: string; id: string } | undefined },
): Promise<ReleaseRecord[]> {
  let query = selectReleases(db).where(managedBy(input.userId));
  if (input.artistId) query = query.where("al.artist_id", "=", input.artistId);
  if (input.after) query = query.where(sql<boolean>`(al.created_at, al.id) < (${input.after.at}::timestamptz, ${input.after.id}::uuid)`);
  return (await query.orderBy("al.created_at", "desc").orderBy("al.id", "desc").limit(input.limit).execute()) as ReleaseRecord[];
}

/** Locks the caller's release row: edits and reorders of one release run one at a time. */
async function lockManaged(trx: Transaction<Database>, userId: string, id: string) {
  const row = await trx
    .selectFrom("catalog.albums as al")
    .select(["al.id", "al.title", "al.kind", sql<string | null>`to_char(al.release_date, 'YYYY-MM-DD')`.as("release_date"), "al.genres", "al.cover_key"])
    .where("al.id", "=", id)
    .where(managedBy(userId))
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound(id);
  return row;
}

/**
 * The release's tracks carry its title, cover, type and date into the search
 * documents, which are rebuilt on each TrackUpdated: bumping their
 * `updated_at` is what makes CDC publish the release's change.
 */
async function republishTracks(trx: Transaction<Database>, id: string): Promise<void> {
  await trx.updateTable("catalog.tracks").set({ updated_at: new Date() }).where("album_id", "=", id).execute();
}

/**
 * Applies an edit; an edit that changes nothing writes nothing (and publishes
 * nothing). Returns the cover key the edit removed, if any (the caller deletes that object).
 */
export async function updateRelease(db: Kysely<Database>, input: { userId: string; id: string; edit: ReleaseEdit }): Promise<string | null> {
  return db.transaction().execute(async (trx) => {
    const before = await lockManaged(trx, input.userId, input.id);
    const { edit } = input;
    const changes: { title?: string; kind?: AlbumKind; release_date?: string | null; genres?: string[]; cover_key?: string | null } = {};
    if (edit.title !== undefined && edit.title !== before.title) changes.title = edit.title;
    if (edit.type !== undefined && edit.type !== before.kind) changes.kind = edit.type;
    if (edit.releaseDate !== undefined && edit.releaseDate !== before.release_date) changes.release_date = edit.releaseDate;
    if (edit.genres !== undefined && edit.genres.join("\u0000") !== before.genres.join("\u0000")) changes.genres = edit.genres;
    if (edit.coverKey !== undefined && edit.coverKey !== before.cover_key) changes.cover_key = edit.coverKey;
    if (Object.keys(changes).length === 0) return null;
    await trx
      .updateTable("catalog.albums")
      .set({ ...changes, updated_at: new Date() })
      .where("id", "=", input.id)
      .execute();
    await republishTracks(trx, input.id);
    return changes.cover_key === undefined ? null : before.cover_key;
  });
}

/** Stores a new cover key and hands back the one it replaced (the caller deletes that object). */
export async function replaceCover(db: Kysely<Database>, input: { userId: string; id: string; coverKey: string }): Promise<string | null> {
  return db.transaction().execute(async (trx) => {
    const before = await lockManaged(trx, input.userId, input.id);
    await trx.updateTable("catalog.albums").set({ cover_key: input.coverKey, updated_at: new Date() }).where("id", "=", input.id).execute();
    await republishTracks(trx, input.id);
    return before.cover_key;
  });
}

/** Throws 404 unless the account manages the release (for work done before the transaction, e.g. storing a cover). */
export async function assertManagedRelease(db: Db, userId: string, id: string): Promise<void> {
  const row = await db.selectFrom("catalog.albums as al").select("al.id").where("al.id", "=", id).where(managedBy(userId)).executeTakeFirst();
  if (!row) throw notFound(id);
}

/**
 * Sets the track order: `trackIds` must name every track of the release once,
 * and they get positions 1..n. Only rows whose position moves are written (each
 * becomes one TrackUpdated); the deferred unique (album_id, position) lets
 * positions swap inside the transaction.
 */
export async function reorderTracks(db: Kysely<Database>, input: { userId: string; id: string; trackIds: string[] }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockManaged(trx, input.userId, input.id);
    const current = await trx.selectFrom("catalog.tracks").select(["id", "position"]).where("album_id", "=", input.id).forUpdate().execute();
    const known = new Set(current.map((track) => track.id));
    const listed = new Set(input.trackIds);
    const errors = [
      ...(listed.size !== input.trackIds.length ? [{ field: "body.track_ids", message: "a track is listed twice" }] : []),
      ...[...listed].filter((id) => !known.has(id)).map((id) => ({ field: "body.track_ids", message: `track ${id} is not on this release` })),
      ...[...known].filter((id) => !listed.has(id)).map((id) => ({ field: "body.track_ids", message: `track ${id} of this release is missing` })),
    ];
    if (errors.length > 0) throw new AppError("VALIDATION_FAILED", "List every track of the release exactly once, in the new order.", { errors });
    const positionOf = new Map(current.map((track) => [track.id, track.position]));
    for (const [index, trackId] of input.trackIds.entries()) {
      if (positionOf.get(trackId) === index + 1) continue;
      await trx
        .updateTable("catalog.tracks")
        .set({ position: index + 1, updated_at: new Date() })
        .where("id", "=", trackId)
        .execute();
    }
  });
}
