/**
 * Catalog curation of tracks by admins and editors. Every change is one
 * transaction with its audit entry; the catalog's own tables are the write
 * path, and CDC turns each row change into TrackUpdated, so the search read
 * model and caches follow without a second write (architecture: "Admin edit").
 */
import type { Kysely, Transaction } from "kysely";
import { recordAudit, type AuditActor } from "../../../shared/audit/audit-log.ts";
import type { TrackStatus } from "../../../shared/db/catalog.table.ts";
import type { Database } from "../../../shared/db/database.ts";
import { AppError } from "../../../shared/errors.ts";

export const creditRoles = ["main", "featured", "remixer", "producer"] as const;
export type CreditRole = (typeof creditRoles)[number];
export interface Credit {
  artist_id: string;
  role: CreditRole;
}

export interface TrackEdit {
  title?: string;
  explicit?: boolean;
  genres?: string[];
  language?: string | null;
  isrc?: string | null;
  /** Every credited artist in display order; the first is the track's main artist. Replaces the credits wholesale. */
  artists?: Credit[];
}

const editable = ["id", "title", "explicit", "genres", "language", "isrc", "status", "artist_id"] as const;

type TrackRow = {
  id: string;
  title: string;
  explicit: boolean;
  genres: string[];
  language: string | null;
  isrc: string | null;
  status: TrackStatus;
  artist_id: string;
};
export type CuratedTrack = Omit<TrackRow, "artist_id"> & { artists: Array<Credit & { name: string }> };

/** The main artist (tracks.artist_id) first, then catalog.track_artists by position, with names. */
async function creditsOf(trx: Transaction<Database>, track: TrackRow): Promise<CuratedTrack["artists"]> {
  const others = await trx
    .selectFrom("catalog.track_artists as ta")
    .innerJoin("catalog.artists as a", "a.id", "ta.artist_id")
    .select(["ta.artist_id", "ta.role", "a.name"])
    .where("ta.track_id", "=", track.id)
    .orderBy("ta.position")
    .execute();
  const main = await trx.selectFrom("catalog.artists").select("name").where("id", "=", track.artist_id).executeTakeFirstOrThrow();
  return [
    { artist_id: track.artist_id, role: "main", name: main.name },
    ...others.filter((credit) => !(credit.artist_id === track.artist_id && credit.role === "main")),
  ];
}

async function curated(trx: Transaction<Database>, row: TrackRow): Promise<CuratedTrack> {
  const { artist_id: _mainArtist, ...track } = row;
  return { ...track, artists: await creditsOf(trx, row) };
}

async function lockTrack(trx: Transaction<Database>, id: string): Promise<CuratedTrack> {
  const row = await trx.selectFrom("catalog.tracks").select(editable).where("id", "=", id).forUpdate().executeTakeFirst();
  if (!row) throw new AppError("NOT_FOUND", `No track has the id ${id}.`);
  return curated(trx, row);
}

const creditKey = (credits: ReadonlyArray<Credit>) => credits.map((credit) => `${credit.artist_id}/${credit.role}`).join(",");

/**
 * Writes the credits: the first artist becomes tracks.artist_id, the rest are
 * catalog.track_artists rows in order. Merged-away profiles are refused (their
 * tracks moved to the survivor), as are unknown ids.
 */
async function replaceCredits(trx: Transaction<Database>, trackId: string, credits: ReadonlyArray<Credit>): Promise<void> {
  const ids = [...new Set(credits.map((credit) => credit.artist_id))];
  const found = await trx.selectFrom("catalog.artists").select(["id", "merged_into"]).where("id", "in", ids).execute();
  const missing = ids.filter((id) => !found.some((artist) => artist.id === id));
  if (missing.length > 0) {
    throw new AppError("VALIDATION_FAILED", `No artist has the id ${missing.join(", ")}.`, {
      errors: [{ field: "body.artists", message: `no such artist: ${missing.join(", ")}` }],
    });
  }
  const merged = found.find((artist) => artist.merged_into);
  if (merged) {
    throw new AppError("VALIDATION_FAILED", `The artist ${merged.id} was merged into ${merged.merged_into}; credit that profile.`, {
      errors: [{ field: "body.artists", message: `merged into ${merged.merged_into}` }],
    });
  }
  const [main, ...rest] = credits;
  if (!main) throw new Error("unreachable: the schema requires a main artist");
  await trx.updateTable("catalog.tracks").set({ artist_id: main.artist_id }).where("id", "=", trackId).execute();
  await trx.deleteFrom("catalog.track_artists").where("track_id", "=", trackId).execute();
  if (rest.length > 0) {
    await trx
      .insertInto("catalog.track_artists")
      .values(rest.map((credit, index) => ({ track_id: trackId, artist_id: credit.artist_id, role: credit.role, position: index + 1 })))
      .execute();
  }
}

function changedFields(before: CuratedTrack, edit: TrackEdit): TrackEdit {
  const changes: TrackEdit = {};
  if (edit.artists !== undefined && creditKey(edit.artists) !== creditKey(before.artists)) changes.artists = edit.artists;
  if (edit.title !== undefined && edit.title !== before.title) changes.title = edit.title;
  if (edit.explicit !== undefined && edit.explicit !== before.explicit) changes.explicit = edit.explicit;
  if (edit.genres !== undefined && edit.genres.join("\u0000") !== before.genres.join("\u0000")) changes.genres = edit.genres;
  if (edit.language !== undefined && edit.language !== before.language) changes.language = edit.language;
  if (edit.isrc !== undefined && edit.isrc !== before.isrc) changes.isrc = edit.isrc;
  return changes;
}

/** Applies an edit; an edit that changes nothing writes nothing (no event, no audit entry). */
export async function editTrack(
  db: Kysely<Database>,
  input: { id: string; edit: TrackEdit; actor: AuditActor; requestId: string | null },
): Promise<CuratedTrack> {
  return db.transaction().execute(async (trx) => {
    const before = await lockTrack(trx, input.id);
    const changes = changedFields(before, input.edit);
    if (Object.keys(changes).length === 0) return before;
    const { artists, ...columns } = changes;
    if (artists) await replaceCredits(trx, input.id, artists);
    // updated_at moves even when only the credits changed: CDC turns the row change into TrackUpdated,
    // and the indexer rebuilds the document with the new names.
    const after = await trx
      .updateTable("catalog.tracks")
      .set({ ...columns, updated_at: new Date() })
      .where("id", "=", input.id)
      .returning(editable)
      .executeTakeFirstOrThrow();
    const was = Object.fromEntries(
      Object.keys(changes).map((key) => [
        key,
        key === "artists" ? before.artists.map(({ artist_id, role }) => ({ artist_id, role })) : before[key as keyof Omit<TrackEdit, "artists">],
      ]),
    );
    await recordAudit(trx, {
      actor: input.actor,
      action: "track.update",
      targetType: "track",
      targetId: input.id,
      before: was,
      after: changes,
      requestId: input.requestId,
    });
    return curated(trx, after);
  });
}

/** published → taken_down (listeners get 410, search drops it); restore reverses it. */
export async function setTrackAvailability(
  db: Kysely<Database>,
  input: { id: string; available: boolean; reason: string | null; actor: AuditActor; requestId: string | null },
): Promise<CuratedTrack> {
  return db.transaction().execute(async (trx) => {
    const before = await lockTrack(trx, input.id);
    const [from, to] = input.available ? (["taken_down", "published"] as const) : (["published", "taken_down"] as const);
    if (before.status === to) return before;
    if (before.status !== from) throw new AppError("CONFLICT", `A ${before.status} track cannot be ${input.available ? "restored" : "taken down"}.`);
    if (input.available) {
      const album = await trx
        .selectFrom("catalog.tracks as t")
        .innerJoin("catalog.albums as al", "al.id", "t.album_id")
        .select("al.status")
        .where("t.id", "=", input.id)
        .executeTakeFirst();
      if (album?.status === "taken_down") throw new AppError("CONFLICT", "The track's album is taken down; restore the album.");
    }
    const after = await curated(
      trx,
      await trx
        .updateTable("catalog.tracks")
        .set({ status: to, taken_down_with_album: false, updated_at: new Date() })
        .where("id", "=", input.id)
        .returning(editable)
        .executeTakeFirstOrThrow(),
    );
    await recordAudit(trx, {
      actor: input.actor,
      action: input.available ? "track.restore" : "track.takedown",
      targetType: "track",
      targetId: input.id,
      before: { status: from },
      after: { status: to },
      reason: input.reason,
      requestId: input.requestId,
    });
    return after;
  });
}
