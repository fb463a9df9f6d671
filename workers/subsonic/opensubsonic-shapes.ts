/**
 * The OpenSubsonic response shapes TUNEC answers, transcribed from the spec's
 * JSON Schemas (opensubsonic/open-subsonic-api, openapi/schemas/*.json):
 * required fields, types and enums. Objects are loose as in the spec (extra
 * fields allowed) but every field the spec names is checked when present.
 * The suites parse every JSON answer with these, so a shape that drifts
 * from the spec fails a test.
 */
import { z } from "zod";

const int = z.number().int();
const iso = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, "an ISO 8601 UTC date-time");

export const itemGenre = z.object({ name: z.string() });
export const artistID3 = z.looseObject({
  id: z.string(),
  name: z.string(),
  coverArt: z.string().optional(),
  artistImageUrl: z.string().optional(),
  albumCount: int.optional(),
  starred: iso.optional(),
  musicBrainzId: z.string().optional(),
  sortName: z.string().optional(),
  roles: z.array(z.string()).optional(),
});
const itemDate = z.object({ year: int.optional(), month: int.optional(), day: int.optional() });
const replayGain = z.object({
  trackGain: z.number().optional(),
  albumGain: z.number().optional(),
  trackPeak: z.number().optional(),
  albumPeak: z.number().optional(),
  baseGain: z.number().optional(),
  fallbackGain: z.number().optional(),
});
const explicitStatus = z.enum(["clean", "explicit", ""]);

export const child = z.looseObject({
  id: z.string(),
  parent: z.string().optional(),
  isDir: z.boolean(),
  title: z.string(),
  album: z.string().optional(),
  artist: z.string().optional(),
  track: int.optional(),
  year: int.optional(),
  genre: z.string().optional(),
  coverArt: z.string().optional(),
  size: int.optional(),
  contentType: z.string().optional(),
  suffix: z.string().optional(),
  duration: int.optional(),
  bitRate: int.optional(),
  isVideo: z.boolean().optional(),
  playCount: int.optional(),
  discNumber: int.optional(),
  created: iso.optional(),
  starred: iso.optional(),
  albumId: z.string().optional(),
  artistId: z.string().optional(),
  type: z.enum(["music", "video", "podcast", "audiobook"]).optional(),
  mediaType: z.enum(["song", "album", "artist"]).optional(),
  isrc: z.array(z.string()).optional(),
  genres: z.array(itemGenre).optional(),
  artists: z.array(artistID3).optional(),
  displayArtist: z.string().optional(),
  albumArtists: z.array(artistID3).optional(),
  displayAlbumArtist: z.string().optional(),
  explicitStatus: explicitStatus.optional(),
  replayGain: replayGain.optional(),
});

export const albumID3 = z.looseObject({
  id: z.string(),
  name: z.string(),
  artist: z.string().optional(),
  artistId: z.string().optional(),
  coverArt: z.string().optional(),
  songCount: int,
  duration: int,
  playCount: int.optional(),
  created: iso,
  starred: iso.optional(),
  year: int.optional(),
  genre: z.string().optional(),
  genres: z.array(itemGenre).optional(),
  artists: z.array(artistID3).optional(),
  displayArtist: z.string().optional(),
  releaseTypes: z.array(z.string()).optional(),
  isCompilation: z.boolean().optional(),
  explicitStatus: explicitStatus.optional(),
  releaseDate: itemDate.optional(),
});
export const albumID3WithSongs = albumID3.extend({ song: z.array(child) });
export const artistWithAlbumsID3 = artistID3.extend({ album: z.array(albumID3) });
export const artistsID3 = z.object({
  ignoredArticles: z.string().optional(),
  index: z.array(z.object({ name: z.string(), artist: z.array(artistID3).optional() })).optional(),
});
export const indexes = z.looseObject({
  ignoredArticles: z.string(),
  lastModified: int,
  index: z
    .array(z.object({ name: z.string(), artist: z.array(z.looseObject({ id: z.string(), name: z.string(), starred: iso.optional() })).optional() }))
    .optional(),
});
export const musicFolders = z.object({ musicFolder: z.array(z.object({ id: int, name: z.string().optional() })).optional() });
export const genres = z.object({ genre: z.array(z.object({ value: z.string(), songCount: int, albumCount: int })).optional() });
export const license = z.looseObject({ valid: z.boolean() });
export const playlist = z.looseObject({
  id: z.string(),
  name: z.string(),
  comment: z.string().optional(),
  owner: z.string().optional(),
  public: z.boolean().optional(),
  songCount: int,
  duration: int,
  created: z.string(),
  changed: z.string(),
  coverArt: z.string().optional(),
  readonly: z.boolean().optional(),
});
export const playlistWithSongs = playlist.extend({ entry: z.array(child).optional() });
export const playlists = z.object({ playlist: z.array(playlist).optional() });
export const songs = z.object({ song: z.array(child).optional() });
export const albumList2 = z.object({ album: z.array(albumID3).optional() });
export const searchResult3 = z.object({ artist: z.array(artistID3).optional(), album: z.array(albumID3).optional(), song: z.array(child).optional() });
export const starred2 = searchResult3;
export const user = z.looseObject({
  username: z.string(),
  scrobblingEnabled: z.boolean(),
  maxBitRate: int.optional(),
  adminRole: z.boolean(),
  settingsRole: z.boolean(),
  downloadRole: z.boolean(),
  uploadRole: z.boolean(),
  playlistRole: z.boolean(),
  coverArtRole: z.boolean(),
  commentRole: z.boolean(),
  podcastRole: z.boolean(),
  streamRole: z.boolean(),
  jukeboxRole: z.boolean(),
  shareRole: z.boolean(),
  videoConversionRole: z.boolean(),
  folder: z.array(int).optional(),
});
export const openSubsonicExtensions = z.array(z.object({ name: z.string(), versions: z.array(int) }));

const base = { version: z.string(), type: z.string(), serverVersion: z.string(), openSubsonic: z.literal(true) };
export const failure = z.looseObject({
  ...base,
  status: z.literal("failed"),
  error: z.object({ code: int, message: z.string().optional(), helpUrl: z.string().optional() }),
});

/** An ok envelope whose payload `key` has the shape `schema` (or no payload at all). */
export function success<K extends string, S extends z.ZodType>(key: K, schema: S) {
  return z.looseObject({ ...base, status: z.literal("ok"), [key]: schema } as { [P in K]: S } & typeof base & { status: z.ZodLiteral<"ok"> });
}
export const empty = z.looseObject({ ...base, status: z.literal("ok") });

export const playQueue = z.looseObject({
  current: z.string().optional(),
  position: int.optional(),
  username: z.string(),
  changed: iso,
  changedBy: z.string(),
  entry: z.array(child).optional(),
});
export const artistInfo2 = z.looseObject({
  biography: z.string().optional(),
  musicBrainzId: z.string().optional(),
  lastFmUrl: z.string().optional(),
  smallImageUrl: z.string().optional(),
  mediumImageUrl: z.string().optional(),
  largeImageUrl: z.string().optional(),
  similarArtist: z.array(artistID3).optional(),
});
export const albumInfo = z.looseObject({
  notes: z.string().optional(),
  musicBrainzId: z.string().optional(),
  lastFmUrl: z.string().optional(),
  smallImageUrl: z.string().optional(),
  mediumImageUrl: z.string().optional(),
  largeImageUrl: z.string().optional(),
});
export const tokenInfo = z.object({ username: z.string() });

/** The file-structure `Artist` (getIndexes, search2, getStarred). */
export const artist = z.looseObject({
  id: z.string(),
  name: z.string(),
  artistImageUrl: z.string().optional(),
  starred: iso.optional(),
  userRating: int.optional(),
  averageRating: z.number().optional(),
});
export const directory = z.looseObject({
  id: z.string(),
  parent: z.string().optional(),
  name: z.string(),
  starred: iso.optional(),
  playCount: int.optional(),
  child: z.array(child).optional(),
});
export const albumList = z.object({ album: z.array(child).optional() });
export const searchResult2 = z.object({ artist: z.array(artist).optional(), album: z.array(child).optional(), song: z.array(child).optional() });
export const starred = searchResult2;
export const artistInfo = artistInfo2.extend({ similarArtist: z.array(artist).optional() });

export const nowPlaying = z.object({
  entry: z.array(child.extend({ username: z.string(), minutesAgo: int, playerId: int, playerName: z.string().optional() })).optional(),
});
