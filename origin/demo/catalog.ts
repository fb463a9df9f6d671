/**
 * The demo catalog `npm start` seeds: fictional artists with Russian and
 * English names, their albums and tracks. Each track is synthesised by ffmpeg
 * (chords, arpeggios or shaped noise), so everything here is real, playable
 * audio that went through the real ingestion pipeline.
 */

/** The container and codec a demo track is synthesised into. */
export type AudioKind = "mp3" | "flac" | "wav" | "m4a" | "ogg" | "opus";

export interface DemoTrack {
  title: string;
  seconds: number;
  sound: "chords" | "arpeggio" | "noise";
  /** Root frequency in Hz and a progression in semitones: every track sounds different. */
  root: number;
  progression: number[];
  bpm: number;
  format: AudioKind;
  featuring?: string[];
  explicit?: boolean;
}

export interface DemoAlbum {
  title: string;
  kind: "album" | "single" | "ep";
  releaseDate: string;
  /** Colours of the generated cover, embedded in the album's first track. */
  cover: [string, string];
  tracks: DemoTrack[];
}

export interface DemoArtist {
  name: string;
  bio: string;
  language: "ru" | "en";
  genres: string[];
  albums: DemoAlbum[];
}

export const demoCatalog: DemoArtist[] = [
  {
    name: "Кинолента",
    bio: "Ленинградская синт-волна: тёплые аккорды и холодный бас.",
    language: "ru",
    genres: ["post-punk", "synthwave"],
    albums: [
      {
        title: "Группа крови света",
        kind: "album",
        releaseDate: "1988-01-05",
        cover: ["0x1a2a6c", "0xb21f1f"],
        tracks: [
          { title: "Звезда по имени Полдень", seconds: 24, sound: "chords", root: 220, progression: [0, -4, 3, -2], bpm: 120, format: "flac" },
          { title: "Хочу перемен частоты", seconds: 20, sound: "arpeggio", root: 196, progression: [0, 3, 7, 10], bpm: 132, format: "mp3" },
          { title: "Восьмиклассница в эфире", seconds: 16, sound: "chords", root: 246.9, progression: [0, 5, 7, 0], bpm: 110, format: "ogg" },
        ],
      },
    ],
  },
  {
    name: "Земфирия",
    bio: "Инди-поп из Уфы с шумовыми текстурами.",
    language: "ru",
    genres: ["indie", "pop"],
    albums: [
      {
        title: "Искала сигнал",
        kind: "album",
        releaseDate: "2000-03-28",
        cover: ["0x42275a", "0x734b6d"],
        tracks: [
          { title: "Ромашки на ветру", seconds: 18, sound: "arpeggio", root: 261.6, progression: [0, 4, 7, 12], bpm: 100, format: "wav" },
          { title: "Аривидерчи, синус", seconds: 22, sound: "chords", root: 293.7, progression: [0, -5, -3, 2], bpm: 96, format: "m4a", explicit: true },
          { title: "Хочешь белый шум?", seconds: 14, sound: "noise", root: 110, progression: [0, 7], bpm: 90, format: "opus" },
        ],
      },
    ],
  },
  {
    name: "Сплин-Фактор",
    bio: "Гитарный рок без гитар: всё сделано осцилляторами.",
    language: "ru",
    genres: ["rock"],
    albums: [
      {
        title: "Гранатовый синтез",
        kind: "ep",
        releaseDate: "1998-11-01",
        cover: ["0x870000", "0x190a05"],
        tracks: [
          { title: "Выхода нет частоты", seconds: 26, sound: "chords", root: 164.8, progression: [0, 3, -2, 5], bpm: 140, format: "mp3" },
          { title: "Орбит без сахара", seconds: 12, sound: "arpeggio", root: 329.6, progression: [0, 2, 4, 7], bpm: 150, format: "flac" },
        ],
      },
    ],
  },
  {
    name: "Northern Tuna",
    bio: "Ambient electronics from a fishing town on the Barents Sea.",
    language: "en",
    genres: ["ambient", "electronic"],
    albums: [
      {
        title: "Deep Blue Sine",
        kind: "album",
        releaseDate: "2021-06-18",
        cover: ["0x000046", "0x1cb5e0"],
        tracks: [
          { title: "Saltwater Chords", seconds: 28, sound: "chords", root: 174.6, progression: [0, 5, 3, 10], bpm: 72, format: "flac" },
          { title: "Pink Noise Harbour", seconds: 20, sound: "noise", root: 82.4, progression: [0, 5], bpm: 60, format: "ogg" },
          { title: "Tidal Square", seconds: 15, sound: "arpeggio", root: 220, progression: [0, 7, 12, 7], bpm: 118, format: "wav", featuring: ["Кинолента"] },
        ],
      },
    ],
  },
  {
    name: "The Sawtooths",
    bio: "Four oscillators and a drum machine that never learned to swing.",
    language: "en",
    genres: ["synth-pop"],
    albums: [
      {
        title: "Low Frequency Club",
        kind: "ep",
        releaseDate: "2023-10-13",
        cover: ["0xf12711", "0xf5af19"],
        tracks: [
          { title: "Midnight Oscillator", seconds: 22, sound: "arpeggio", root: 130.8, progression: [0, 3, 7, 3], bpm: 124, format: "m4a" },
          { title: "Harmonic Drift", seconds: 18, sound: "chords", root: 196, progression: [0, -3, 2, -5], bpm: 88, format: "mp3", featuring: ["Земфирия"] },
          { title: "Static Love", seconds: 10, sound: "noise", root: 98, progression: [0, 3], bpm: 128, format: "opus", explicit: true },
        ],
      },
    ],
  },
];
