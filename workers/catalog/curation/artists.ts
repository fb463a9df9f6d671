/**
 * Curation of artist profiles by admins and editors: create, edit, merge two
 * spellings of one artist. Each change is one transaction with its audit entry
 * and an ArtistUpdated in the outbox (the search documents of every track
 * naming the artist are rebuilt); tracks moved by a merge reach search through
 * CDC as well.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import { recordAudit, type AuditActor } from "../../../shared/audit/audit-log.ts";
import type { Database } from "../../../shared/db/database.ts";
import { AppError } from "../../../shared/errors.ts";
import type { EventData } from "../../../shared/events/catalog.ts";
import { writeOutbox } from "../../../shared/events/outbox.ts";

export interface CuratedArtist {
  id: string;
  name: string;
  bio: string | null;
  image_key: string | null;
  merged_into: string | null;
}

export interface ArtistEdit {
  name?: string;
  bio?: string | null;
}

interface Context {
  actor: AuditActor;
  requestId: string | null;
  traceparent?: string;
}

const columns = ["id", "name", "bio", "image_key", "merged_into", "updated_at"] as const;
const catalogSource = "/tunec/catalog";

type ArtistChange = EventData<"tunec.catalog.artist-updated.v1">["changed"][number];

async function lockArtist(trx: Transaction<Database>, id: string): Promise<CuratedArtist & { updated_at: Date }> {
  const row = await trx.selectFrom("catalog.artists").select(columns).where("id", "=", id).forUpdate().executeTakeFirst();
  if (!row) throw new AppError("NOT_FOUND", `No artist has the id ${id}.`);
  return row;
}

/** Writes ArtistUpdated for the artist as it now is (callers changed it in this transaction). */
export async function announceArtist(
  trx: Transaction<Database>,
  artist: CuratedArtist & { updated_at: Date },
  changed: ArtistChange[],
  traceparent?: string,
): Promise<void> {
  await writeOutbox(trx, {
    type: "tunec.catalog.artist-updated.v1",
    source: catalogSource,
    ...(traceparent ? { traceparent } : {}),
    data: {
      artistId: artist.id,
      name: artist.name,
      bio: artist.bio,
      imageKey: artist.image_key,
      mergedInto: artist.merged_into,
      changed,
      updatedAt: artist.updated_at.toISOString(),
    },
  });
}

const view = ({ id, name, bio, image_key, merged_into }: CuratedArtist): CuratedArtist => ({ id, name, bio, image_key, merged_into });

export async function createArtist(db: Kysely<Database>, input: { name: string; bio: string | null } & Context): Promise<CuratedArtist> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.insertInto("catalog.artists").values({ name: input.name, bio: input.bio }).returning(columns).executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actor: input.actor,
      action: "artist.create",
      targetType: "artist",
      targetId: row.id,
      after: { name: row.name, bio: row.bio },
      requestId: input.requestId,
    });
    await announceArtist(trx, row, ["created"], input.traceparent);
    return view(row);
  });
}

/** An edit that changes nothing writes nothing. A merged profile is read-only: edit the one it was merged into. */
export async function editArtist(db: Kysely<Database>, input: { id: string; edit: ArtistEdit } & Context): Promise<CuratedArtist> {
  return db.transaction().execute(async (trx) => {
    const before = await lockArtist(trx, input.id);
    if (before.merged_into) throw new AppError("CONFLICT", `This artist was merged into ${before.merged_into}; edit that profile.`);
    const changes: ArtistEdit = {};
    const changed: ArtistChange[] = [];
    if (input.edit.name !== undefined && input.edit.name !== before.name) (changes.name = input.edit.name), changed.push("name");
    if (input.edit.bio !== undefined && input.edit.bio !== before.bio) (changes.bio = input.edit.bio), changed.push("bio");
    if (changed.length === 0) return view(before);
    const after = await trx
      .updateTable("catalog.artists")
      .set({ ...changes, updated_at: new Date() })
      .where("id", "=", input.id)
      .returning(columns)
      .executeTakeFirstOrThrow();
    const was = Object.fromEntries(Object.keys(changes).map((key) => [key, before[key as keyof ArtistEdit]]));
    await recordAudit(trx, {
      actor: input.actor,
      action: "artist.update",
      targetType: "artist",
      targetId: input.id,
      before: was,
      after: changes,
      requestId: input.requestId,
    });
    await announceArtist(trx, after, changed, input.traceparent);
    return view(after);
  });
}

/**
 * Merges `id` into `into`: every track (main artist and credits), album and
 * manager moves to `into`; `id` stays as a pointer, so its old links redirect.
 * Profiles merged into `id` earlier now point at `into` too (no chains).
 */
export async function mergeArtists(
  db: Kysely<Database>,
  input: { id: string; into: string; reason: string | null } & Context,
): Promise<{ merged: CuratedArtist; into: CuratedArtist; tracksMoved: number }> {
  if (input.id === input.into)
    throw new AppError("VALIDATION_FAILED", "An artist cannot be merged into itself.", {
      errors: [{ field: "body.into_artist_id", message: "same as the merged artist" }],
    });
  return db.transaction().execute(async (trx) => {
    // Lock in id order, so two opposite merges cannot deadlock.
    const [first, second] = [input.id, input.into].sort();
    const locked = new Map([
      [first, await lockArtist(trx, first as string)],
      [second, await lockArtist(trx, second as string)],
    ]);
    const source = locked.get(input.id);
    const target = locked.get(input.into);
    if (!source || !target) throw new Error("unreachable: both artists were locked");
    if (source.merged_into || target.merged_into)
      throw new AppError("CONFLICT", "One of these artists was already merged into another profile; merge into the surviving one.");

    const moved = await trx
      .updateTable("catalog.tracks")
      .set({ artist_id: input.into, updated_at: new Date() })
      .where("artist_id", "=", input.id)
      .executeTakeFirst();
    // A credit the target already has on that track (same role) would be a duplicate: drop it, move the rest.
    await trx
      .deleteFrom("catalog.track_artists as ta")
      .where("ta.artist_id", "=", input.id)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom("catalog.track_artists as other")
            .select(sql`1`.as("one"))
            .whereRef("other.track_id", "=", "ta.track_id")
            .whereRef("other.role", "=", "ta.role")
            .where("other.artist_id", "=", input.into),
        ),
      )
      .execute();
    const credited = await trx
      .updateTable("catalog.track_artists")
      .set({ artist_id: input.into })
      .where("artist_id", "=", input.id)
      .returning("track_id")
      .execute();
    // Credits live in their own table: touch those tracks so CDC republishes them with the new name.
    if (credited.length > 0)
      await trx
        .updateTable("catalog.tracks")
        .set({ updated_at: new Date() })
        .where(
          "id",
          "in",
          credited.map((row) => row.track_id),
        )
        .execute();
    await trx.updateTable("catalog.albums").set({ artist_id: input.into, updated_at: new Date() }).where("artist_id", "=", input.id).execute();
    await sql`insert into catalog.artist_managers (artist_id, user_id, added_by)
      select ${input.into}::uuid, user_id, added_by from catalog.artist_managers where artist_id = ${input.id}::uuid
      on conflict do nothing`.execute(trx);
    await trx.deleteFrom("catalog.artist_managers").where("artist_id", "=", input.id).execute();
    await trx.updateTable("catalog.artists").set({ merged_into: input.into }).where("merged_into", "=", input.id).execute();
    const merged = await trx
      .updateTable("catalog.artists")
      .set({ merged_into: input.into, updated_at: new Date() })
      .where("id", "=", input.id)
      .returning(columns)
      .executeTakeFirstOrThrow();
    const survivor = await trx
      .updateTable("catalog.artists")
      .set({ updated_at: new Date() })
      .where("id", "=", input.into)
      .returning(columns)
      .executeTakeFirstOrThrow();
    const tracksMoved = Number(moved.numUpdatedRows);
    await recordAudit(trx, {
      actor: input.actor,
      action: "artist.merge",
      targetType: "artist",
      targetId: input.id,
      before: { name: source.name },
      after: { merged_into: input.into, into_name: target.name, tracks_moved: tracksMoved, credits_moved: credited.length },
      reason: input.reason,
      requestId: input.requestId,
    });
    await announceArtist(trx, merged, ["merged"], input.traceparent);
    await announceArtist(trx, survivor, ["merged"], input.traceparent);
    return { merged: view(merged), into: view(survivor), tracksMoved };
  });
}
