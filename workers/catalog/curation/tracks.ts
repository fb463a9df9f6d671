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

export interface TrackEdit {
  title?: string;
  explicit?: boolean;
  genres?: string[];
  language?: string | null;
  isrc?: string | null;
}

const editable = ["id", "title", "explicit", "genres", "language", "isrc", "status"] as const;

export type CuratedTrack = { id: string; title: string; explicit: boolean; genres: string[]; language: string | null; isrc: string | null; status: TrackStatus };

async function lockTrack(trx: Transaction<Database>, id: string): Promise<CuratedTrack> {
  const row = await trx.selectFrom("catalog.tracks").select(editable).where("id", "=", id).forUpdate().executeTakeFirst();
  if (!row) throw new AppError("NOT_FOUND", `No track has the id ${id}.`);
  return row;
}

function changedFields(before: CuratedTrack, edit: TrackEdit): TrackEdit {
  const changes: TrackEdit = {};
  if (edit.title !== undefined && edit.title !== before.title) changes.title = edit.title;
  if (edit.explicit !== undefined && edit.explicit !== before.explicit) changes.explicit = edit.explicit;
  if (edit.genres !== undefined && edit.genres.join("\u0000") !== before.genres.join("\u0000")) changes.genres = edit.genres;
  if (edit.language !== undefined && edit.language !== before.language) changes.language = edit.language;
  if (edit.isrc !== undefined && edit.isrc !== before.isrc) changes.isrc = edit.isrc;
  return changes;
}

/** Applies an edit; an edit that changes nothing writes nothing (no event, no audit entry). */
export async function editTrack(db: Kysely<Database>, input: { id: string; edit: TrackEdit; actor: AuditActor; requestId: string | null }): Promise<CuratedTrack> {
  return db.transaction().execute(async (trx) => {
    const before = await lockTrack(trx, input.id);
    const changes = changedFields(before, input.edit);
    if (Object.keys(changes).length === 0) return before;
    const after = await trx.updateTable("catalog.tracks").set({ ...changes, updated_at: new Date() }).where("id", "=", input.id).returning(editable).executeTakeFirstOrThrow();
    const was = Object.fromEntries(Object.keys(changes).map((key) => [key, before[key as keyof TrackEdit]]));
    await recordAudit(trx, { actor: input.actor, action: "track.update", targetType: "track", targetId: input.id, before: was, after: changes, requestId: input.requestId });
    return after;
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
    const after = await trx.updateTable("catalog.tracks").set({ status: to, taken_down_with_album: false, updated_at: new Date() }).where("id", "=", input.id).returning(editable).executeTakeFirstOrThrow();
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
