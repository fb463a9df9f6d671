/**
 * TUNEC's catalog records in OpenSubsonic shapes (Child, AlbumID3, ArtistID3,
 * Playlist). Ids are TUNEC's uuids; cover art ids say which object they name
 * (`al-`, `ar-`), so getCoverArt needs no lookup table.
 */
import type { TrackRecord } from "../catalog/repository.ts";
import type { PlaylistRecord } from "../users/domain/playlists/repository.ts";
import type { SubsonicObject } from "./envelope.ts";
import type { AlbumSummary, ArtistSummary, TrackExtras } from "./library.ts";

/** The one music folder: TUNEC's whole catalog. */
export const musicFolder = { id: 1, name: "TUNEC" } as const;

const formats: Record<string, { contentType: string; suffix: string }> = {
  mp3: { contentType: "audio/mpeg", suffix: "mp3" },
  aac: { contentType: "audio/mp4", suffix: "m4a" },
  opus: { contentType: "audio/ogg", suffix: "opus" },
  vorbis: { contentType: "audio/ogg", suffix: "ogg" },
  flac: { contentType: "audio/flac", suffix: "flac" },
};

export function formatOfCodec(codec: string | null): { contentType: string; suffix: string } | undefined {
  return codec ? formats[codec] : undefined;
}

export const albumCoverId = (albumId: string) => `al-${albumId}`;
export const artistCoverId = (artistId: string) => `ar-${artistId}`;

function seconds(ms: number): number {
  return Math.round(ms / 1000);
}

export function toChild(track: TrackRecord, extras: TrackExtras | undefined, starred: string | undefined): SubsonicObject {
  const main = track.artists[0];
  const displayArtist = track.artists.map((artist) => artist.name).join(", ");
  const format = formatOfCodec(extras?.codec ?? null);
  return {
    id: track.id,
    parent: track.album_id ?? undefined,
    isDir: false,
    title: track.title,
    album: track.album_title ?? undefined,
    artist: displayArtist || undefined,
    track: track.position ?? undefined,
    year: extras?.year ?? undefined,
    genre: track.genres[0],
    coverArt: track.album_id ? albumCoverId(track.album_id) : undefined,
    size: extras?.size_bytes ?? undefined,
    contentType: format?.contentType,
    suffix: format?.suffix,
    duration: seconds(track.duration_ms),
    bitRate: extras?.bitrate_kbps ?? undefined,
    isVideo: false,
    playCount: extras?.plays ?? undefined,
    created: track.published_at,
    starred,
    albumId: track.album_id ?? undefined,
    artistId: main?.id,
    type: "music",
    mediaType: "song",
    isrc: track.isrc ? [track.isrc] : [],
    genres: track.genres.map((name) => ({ name })),
    artists: track.artists.map((artist) => ({ id: artist.id, name: artist.name })),
    displayArtist,
    albumArtists: main ? [{ id: main.id, name: main.name }] : [],
    displayAlbumArtist: main?.name ?? "",
    explicitStatus: track.explicit ? "explicit" : "",
    // The spec: always present, its fields omitted when unknown.
    replayGain: extras?.loudness_lufs != null ? { trackGain: replayGainDb(extras.loudness_lufs) } : {},
  };
}

/** ReplayGain 2.0 plays at -18 LUFS: the gain that brings the measured loudness there, to 0.01 dB. */
export function replayGainDb(loudnessLufs: number): number {
  return Math.round((-18 - loudnessLufs) * 100) / 100;
}

export function toAlbumID3(album: AlbumSummary, starred: string | undefined): SubsonicObject {
  const releaseDate = album.release_date ? album.release_date.split("-").map(Number) : undefined;
  return {
    id: album.id,
    name: album.title,
    artist: album.artist_name,
    artistId: album.artist_id,
    coverArt: albumCoverId(album.id),
    songCount: album.song_count,
    duration: album.duration,
    playCount: album.plays,
    created: album.created,
    starred,
    year: album.year ?? undefined,
    genre: album.genres[0],
    genres: album.genres.map((name) => ({ name })),
    artists: [{ id: album.artist_id, name: album.artist_name }],
    displayArtist: album.artist_name,
    releaseTypes: [album.kind === "ep" ? "EP" : album.kind.charAt(0).toUpperCase() + album.kind.slice(1)],
    isCompilation: album.kind === "compilation",
    explicitStatus: album.explicit ? "explicit" : "",
    releaseDate: releaseDate ? { year: releaseDate[0], month: releaseDate[1], day: releaseDate[2] } : undefined,
  };
}

export function toArtistID3(artist: ArtistSummary, starred: string | undefined): SubsonicObject {
  return {
    id: artist.id,
    name: artist.name,
    coverArt: artistCoverId(artist.id),
    albumCount: artist.album_count,
    starred,
  };
}

/** Subsonic's index letter: the first letter upper-cased, "#" for anything else. */
export function indexLetter(name: string): string {
  const first = name.trim().charAt(0).toLocaleUpperCase();
  return /\p{L}/u.test(first) ? first : "#";
}

export function toPlaylist(playlist: PlaylistRecord, ownerName: string, durationSeconds: number): SubsonicObject {
  return {
    id: playlist.id,
    name: playlist.name,
    comment: playlist.description ?? undefined,
    owner: ownerName,
    public: playlist.visibility === "public",
    songCount: playlist.track_count,
    duration: durationSeconds,
    created: playlist.created_at,
    changed: playlist.updated_at,
  };
}

/** An album as a folder (`Child` with isDir), for the file-structure methods (getMusicDirectory, getAlbumList, search2, getStarred). */
export function toAlbumDirectory(album: AlbumSummary, starred: string | undefined): SubsonicObject {
  return {
    id: album.id,
    parent: album.artist_id,
    isDir: true,
    title: album.title,
    album: album.title,
    artist: album.artist_name,
    year: album.year ?? undefined,
    genre: album.genres[0],
    coverArt: albumCoverId(album.id),
    duration: album.duration,
    playCount: album.plays,
    created: album.created,
    starred,
    albumId: album.id,
    artistId: album.artist_id,
    mediaType: "album",
  };
}

/** An artist as the file-structure `Artist` (getIndexes, search2, getStarred). */
export function toArtist(artist: { id: string; name: string }, starred: string | undefined): SubsonicObject {
  return { id: artist.id, name: artist.name, starred };
}
