/**
 * Curation of albums by admins and editors: edit the metadata, take an album
 * down (its published tracks go with it) and restore it (exactly those tracks
 * come back). Each change is one transaction with its audit entry and an
 * AlbumUpdated in the outbox; the tracks' own status changes reach search
 * through CDC.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import { recordAudit, type AuditActor } from "../../../shared/audit/audit-log.ts";
import type { AlbumKind } from "../../../shared/db/catalog.table.ts";
import type { Database } from "../../../shared/db/database.ts";
import { AppError } from "../../../shared/errors.ts";
import type { EventData } from "../../../shared/events/catalog.ts";
import { writeOutbox } from "../../../shared/events/outbox.ts";

export interface CuratedAlbum {
  id: string;
  title: string;
  artist_id: string;
  kind: AlbumKind;
  release_date: string | null;
  cover_key: string | null;
  status: "published" | "taken_down";
}

export interface AlbumEdit {
  title?: string;
  kind?: AlbumKind;
  release_date?: string | null;
}

interface Context {
  actor: AuditActor;
  requestId: string | null;
  traceparent?: string;
}

type AlbumChange = EventData<"tunec.catalog.album-updated.v1">["changed"][number];

const selectAlbum = (trx: Transaction<Database>, id: string) =>
  trx
    .selectFrom("catalog.albums")
    .select([
      "id",
      "title",
      "artist_id",
      "kind",
      "cover_key",
      "status",
      "updated_at",
      sql<string | null>`to_char(release_date, 'YYYY-MM-DD')`.as("release_date"),
    ])
    .where("id", "=", id);

async function lockAlbum(trx: Transaction<Database>, id: string): Promise<CuratedAlbum & { updated_at: Date }> {
  const row = await selectAlbum(trx, id).forUpdate().executeTakeFirst();
  if (!row) throw new AppError("NOT_FOUND", `No album has the id ${id}.`);
  return row;
}

/** Writes AlbumUpdated for the album as it now is (callers changed it in this transaction). */
export async function announceAlbum(trx: Transaction<Database>, id: string, changed: AlbumChange[], traceparent?: string): Promise<CuratedAlbum> {
  const album = await selectAlbum(trx, id).executeTakeFirstOrThrow();
  await writeOutbox(trx, {
    type: "tunec.catalog.album-updated.v1",
    source: "/tunec/catalog",
    ...(traceparent ? { traceparent } : {}),
    data: {
      albumId: album.id,
      artistId: album.artist_id,
      title: album.title,
      kind: album.kind,
      releaseDate: album.release_date,
      coverKey: album.cover_key,
      status: album.status,
      changed,
      updatedAt: album.updated_at.toISOString(),
    },
  });
  return view(album);
}

const view = ({ id, title, artist_id, kind, release_date, cover_key, status }: CuratedAlbum): CuratedAlbum => ({
  id,
  title,
  artist_id,
  kind,
  release_date,
  cover_key,
  status,
});

export async function editAlbum(db: Kysely<Database>, input: { id: string; edit: AlbumEdit } & Context): Promise<CuratedAlbum> {
  return db.transaction().execute(async (trx) => {
    const before = await lockAlbum(trx, input.id);
    const changes: AlbumEdit = {};
    const changed: AlbumChange[] = [];
    if (input.edit.title !== undefined && input.edit.title !== before.title) (changes.title = input.edit.title), changed.push("title");
    if (input.edit.kind !== undefined && input.edit.kind !== before.kind) (changes.kind = input.edit.kind), changed.push("kind");
    if (input.edit.release_date !== undefined && input.edit.release_date !== before.release_date)
      (changes.release_date = input.edit.release_date), changed.push("release_date");
    if (changed.length === 0) return view(before);
    await trx
      .updateTable("catalog.albums")
      .set({ ...changes, updated_at: new Date() })
      .where("id", "=", input.id)
      .execute();
    const was = Object.fromEntries(Object.keys(changes).map((key) => [key, before[key as keyof AlbumEdit]]));
    await recordAudit(trx, {
      actor: input.actor,
      action: "album.update",
      targetType: "album",
      targetId: input.id,
      before: was,
      after: changes,
      requestId: input.requestId,
    });
    return announceAlbum(trx, input.id, changed, input.traceparent);
  });
}

/** Replaces or removes the album's cover; returns the album and the key it no longer uses (for the caller to delete). */
export async function setAlbumCover(
  db: Kysely<Database>,
  input: { id: string; coverKey: string | null } & Context,
): Promise<{ album: CuratedAlbum; replaced: string | null }> {
  return db.transaction().execute(async (trx) => {
    const before = await lockAlbum(trx, input.id);
    if (before.cover_key === input.coverKey) return { album: view(before), replaced: null };
    await trx.updateTable("catalog.albums").set({ cover_key: input.coverKey, updated_at: new Date() }).where("id", "=", input.id).execute();
    await recordAudit(trx, {
      actor: input.actor,
      action: "album.cover",
      targetType: "album",
      targetId: input.id,
      before: { cover_key: before.cover_key },
      after: { cover_key: input.coverKey },
      requestId: input.requestId,
    });
    return { album: await announceAlbum(trx, input.id, ["cover"], input.traceparent), replaced: before.cover_key };
  });
}

/**
 * Takes an album down (its published tracks with it, marked so) or restores
 * it (the tracks it took down, and no others). Repeating either changes nothing.
 */
export async function setAlbumAvailability(
  db: Kysely<Database>,
  input: { id: string; available: boolean; reason: string | null } & Context,
): Promise<{ album: CuratedAlbum; tracks: number }> {
  return db.transaction().execute(async (trx) => {
    const before = await lockAlbum(trx, input.id);
    const to = input.available ? "published" : "taken_down";
    if (before.status === to) return { album: view(before), tracks: 0 };
    await trx.updateTable("catalog.albums").set({ status: to, updated_at: new Date() }).where("id", "=", input.id).execute();
    const tracks = input.available
      ? await trx
          .updateTable("catalog.tracks")
          .set({ status: "published", taken_down_with_album: false, updated_at: new Date() })
          .where("album_id", "=", input.id)
          .where("status", "=", "taken_down")
          .where("taken_down_with_album", "=", true)
          .executeTakeFirst()
      : await trx
          .updateTable("catalog.tracks")
          .set({ status: "taken_down", taken_down_with_album: true, updated_at: new Date() })
          .where("album_id", "=", input.id)
          .where("status", "=", "published")
          .executeTakeFirst();
    const count = Number(tracks.numUpdatedRows);
    await recordAudit(trx, {
      actor: input.actor,
      action: input.available ? "album.restore" : "album.takedown",
      targetType: "album",
      targetId: input.id,
      before: { status: before.status },
      after: { status: to, tracks: count },
      reason: input.reason,
      requestId: input.requestId,
    });
    return { album: await announceAlbum(trx, input.id, ["status"], input.traceparent), tracks: count };
  });
}
