/** Reads of playlists: one playlist with its editors, the caller's playlists, a page of tracks. */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../../../shared/db/database.ts";
import type { PlaylistVisibility } from "../../../../shared/db/users.table.ts";
import { utcMicros } from "../sql.ts";

export type PlaylistRole = "owner" | "editor" | "viewer";

export interface PlaylistRecord {
  id: string;
  owner_id: string;
  name: string;
  description: string | null;
  visibility: PlaylistVisibility;
  track_count: number;
  version: string;
  editors: string[];
  follower_count: number;
  created_at: string;
  updated_at: string;
}

const playlistColumns = sql`p.id, p.owner_id, p.name, p.description, p.visibility, p.track_count, p.version::text as version,
  coalesce((select array_agg(e.user_id order by e.invited_at, e.user_id) from users.playlist_editors e where e.playlist_id = p.id), '{}') as editors,
  (select count(*) from users.playlist_followers f where f.playlist_id = p.id)::int as follower_count,
  ${utcMicros(sql`p.created_at`)} as created_at, ${utcMicros(sql`p.updated_at`)} as updated_at`;

export async function findPlaylist(db: Kysely<Database>, id: string): Promise<PlaylistRecord | undefined> {
  const result = await sql<PlaylistRecord>`select ${playlistColumns} from users.playlists p where p.id = ${id}`.execute(db);
  return result.rows[0];
}

/**
 * What the caller may do: the owner and invited editors edit; anyone views a
 * public playlist; a private one does not exist for anybody else.
 */
export function roleOf(playlist: PlaylistRecord, userId: string | undefined): PlaylistRole | undefined {
  if (userId !== undefined && playlist.owner_id === userId) return "owner";
  if (userId !== undefined && playlist.editors.includes(userId)) return "editor";
  return playlist.visibility === "public" ? "viewer" : undefined;
}

export type ListedRole = "owner" | "editor" | "follower";

export interface ListedPlaylist extends PlaylistRecord {
  role: ListedRole;
}

/**
 * The caller's playlists (owned, editable, followed public ones), newest
 * first. Each set comes from its own index and only their union is sorted, so
 * the cost follows the caller's playlists, not the table.
 */
export async function listMyPlaylists(
  db: Kysely<Database>,
  userId: string,
  role: ListedRole | undefined,
  limit: number,
  after?: { at: string; id: string },
): Promise<ListedPlaylist[]> {
  const sets = [
    role === undefined || role === "owner" ? sql`select id, 'owner' as role from users.playlists where owner_id = ${userId}` : undefined,
    role === undefined || role === "editor" ? sql`select playlist_id, 'editor' from users.playlist_editors where user_id = ${userId}` : undefined,
    role === undefined || role === "follower" ? sql`select playlist_id, 'follower' from users.playlist_followers where user_id = ${userId}` : undefined,
  ].filter((set) => set !== undefined);
  const afterCondition = after ? sql`and (p.created_at, p.id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``;
  // One row per playlist, with the strongest of the caller's relations to it.
  const result = await sql<ListedPlaylist>`
    with mine as (
      select id, (array_agg(role order by case role when 'owner' then 0 when 'editor' then 1 else 2 end))[1] as role
      from (${sql.join(sets, sql` union all `)}) s(id, role) group by id
    )
    select ${playlistColumns}, m.role
    from mine m join users.playlists p on p.id = m.id
    where (m.role <> 'follower' or p.visibility = 'public') ${afterCondition}
    order by p.created_at desc, p.id desc
    limit ${limit}`.execute(db);
  return result.rows;
}

export interface EntryRecord {
  entry_id: string;
  track_id: string;
  added_by: string;
  added_at: string;
  position: string;
  /** Null when the track is no longer published (taken down): the entry stays, greyed out by clients. */
  title: string | null;
  duration_ms: number | null;
  artist_id: string | null;
  artist_name: string | null;
}

/**
 * Entries in playlist order after the position `after` (a page's last), with
 * the catalog's title and main artist: a read of the catalog while the user waits.
 */
export async function listEntries(db: Kysely<Database>, playlistId: string, limit: number, after?: string): Promise<EntryRecord[]> {
  let query = db
    .selectFrom("users.playlist_tracks as pt")
    .leftJoin("catalog.tracks as t", (join) => join.onRef("t.id", "=", "pt.track_id").on("t.status", "=", "published"))
    .leftJoin("catalog.artists as a", "a.id", "t.artist_id")
    .select([
      "pt.entry_id",
      "pt.track_id",
      "pt.added_by",
      utcMicros(sql`pt.added_at`).as("added_at"),
      "pt.position",
      "t.title",
      "t.duration_ms",
      "a.id as artist_id",
      "a.name as artist_name",
    ])
    .where("pt.playlist_id", "=", playlistId);
  if (after !== undefined) query = query.where("pt.position", ">", after);
  return query.orderBy("pt.position").limit(limit).execute();
}
