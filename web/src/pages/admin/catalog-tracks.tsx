/**
 * The track editor: title, explicit flag, genres, language, ISRC and the
 * credits (PATCH /admin/tracks/{id} replaces them all, first credit = main
 * artist), takedown with a reason and restore. Only what changed is sent: the
 * API keeps an audit entry per edit and refuses an empty one.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { api, ProblemError, unwrap, type Schemas } from "../../api/client";
import { Loading, ProblemMessage } from "../../components/common";
import { useI18n } from "../../i18n/i18n";
import { ArtistPicker, Busy, isTrackHit, sameList, splitList, useCatalogSearch } from "./shared";

type CuratedTrack = Schemas["CuratedTrack"];
type CreditRole = CuratedTrack["artists"][number]["role"];
const creditRoles: readonly CreditRole[] = ["main", "featured", "remixer", "producer"];

interface Credit {
  artist_id: string;
  name: string;
  role: CreditRole;
}

interface TrackFields {
  title: string;
  explicit: boolean;
  genres: string[];
  language: string | null;
  isrc: string | null;
  credits: Credit[];
  status: CuratedTrack["status"];
}

function fieldsOfPublished(track: Schemas["Track"]): TrackFields {
  return {
    title: track.title,
    explicit: track.explicit,
    genres: track.genres,
    language: track.language,
    isrc: track.isrc,
    credits: track.artists.map((artist) => ({ artist_id: artist.id, name: artist.name, role: artist.role })),
    status: "published",
  };
}

function fieldsOfCurated(track: CuratedTrack): TrackFields {
  return { ...track, credits: track.artists };
}

const sameCredits = (left: readonly Credit[], right: readonly Credit[]) =>
  left.length === right.length && left.every((credit, index) => credit.artist_id === right[index]?.artist_id && credit.role === right[index]?.role);

/** Text fields are edited as strings; an empty language or ISRC means "none" (null). */
const orNull = (text: string) => (text.trim() === "" ? null : text.trim());

function CreditsEditor({ credits, onChange }: { credits: Credit[]; onChange: (credits: Credit[]) => void }) {
  const { t } = useI18n();
  const move = (from: number, to: number) => {
    const next = [...credits];
    const [moved] = next.splice(from, 1);
    if (moved) next.splice(to, 0, moved);
    onChange(next);
  };
  return (
    <fieldset className="console-credits">
      <legend>{t("console.credits")}</legend>
      <p className="muted">{t("console.creditsHint")}</p>
      <ol aria-label={t("console.credits")}>
        {credits.map((credit, index) => (
          <li key={`${credit.artist_id}/${index}`}>
            <span className="console-grow">{credit.name}</span>
            <select
              aria-label={`${t("console.creditRole")}: ${credit.name}`}
              value={credit.role}
              onChange={(event) => onChange(credits.map((item, at) => (at === index ? { ...item, role: event.target.value as CreditRole } : item)))}
            >
              {creditRoles.map((role) => (
                <option key={role} value={role}>
                  {t(`console.role.${role}`)}
                </option>
              ))}
            </select>
            <button type="button" disabled={index === 0} onClick={() => move(index, index - 1)} aria-label={`${t("console.moveUp")}: ${credit.name}`}>
              ↑
            </button>
            <button
              type="button"
              disabled={credits.length < 2}
              onClick={() => onChange(credits.filter((_, at) => at !== index))}
              aria-label={`${t("console.removeCredit")}: ${credit.name}`}
            >
              ✕
            </button>
          </li>
        ))}
      </ol>
      <ArtistPicker
        label={t("console.findCreditArtist")}
        action={t("console.addCredit")}
        onPick={(artist) => onChange([...credits, { artist_id: artist.id, name: artist.name, role: credits.length === 0 ? "main" : "featured" }])}
      />
    </fieldset>
  );
}

export function TrackEditor({ id }: { id: string }) {
  const { t } = useI18n();
  const client = useQueryClient();
  // A taken-down track answers 410 to GET /tracks/{id}: that is a state to show, not an error.
  const track = useQuery({
    queryKey: ["admin", "track", id],
    retry: false,
    queryFn: async () => {
      try {
        return fieldsOfPublished(unwrap(await api.GET("/tracks/{id}", { params: { path: { id } } })));
      } catch (error) {
        if (error instanceof ProblemError && error.problem.status === 410) return null;
        throw error;
      }
    },
  });
  const [saved, setSaved] = useState<TrackFields | undefined>(undefined);
  const [title, setTitle] = useState<string | undefined>(undefined);
  const [explicit, setExplicit] = useState<boolean | undefined>(undefined);
  const [genres, setGenres] = useState<string | undefined>(undefined);
  const [language, setLanguage] = useState<string | undefined>(undefined);
  const [isrc, setIsrc] = useState<string | undefined>(undefined);
  const [credits, setCredits] = useState<Credit[] | undefined>(undefined);
  const [reason, setReason] = useState("");
  const current = saved ?? track.data ?? undefined;

  const edit: Schemas["TrackEdit"] = {};
  if (current) {
    if (title !== undefined && title !== current.title) edit.title = title;
    if (explicit !== undefined && explicit !== current.explicit) edit.explicit = explicit;
    if (genres !== undefined && !sameList(splitList(genres), current.genres)) edit.genres = splitList(genres);
    if (language !== undefined && orNull(language) !== current.language) edit.language = orNull(language);
    if (isrc !== undefined && orNull(isrc) !== current.isrc) edit.isrc = orNull(isrc);
    if (credits !== undefined && !sameCredits(credits, current.credits)) edit.artists = credits.map(({ artist_id, role }) => ({ artist_id, role }));
  }
  const changed = Object.keys(edit).length > 0;

  const act = useMutation({
    mutationFn: async (action: "save" | "takedown" | "restore") => {
      const path = { path: { id } };
      if (action === "save") return unwrap(await api.PATCH("/admin/tracks/{id}", { params: path, body: edit }));
      if (action === "takedown") return unwrap(await api.POST("/admin/tracks/{id}/takedown", { params: path, body: { reason } }));
      return unwrap(await api.POST("/admin/tracks/{id}/restore", { params: path }));
    },
    onSuccess: (curated) => {
      setSaved(fieldsOfCurated(curated));
      for (const reset of [setTitle, setGenres, setLanguage, setIsrc]) reset(undefined);
      setExplicit(undefined);
      setCredits(undefined);
      setReason("");
      void client.invalidateQueries({ queryKey: ["admin", "audit"] });
    },
  });

  if (track.isPending) return <Loading />;
  const status = current?.status ?? "taken_down";
  return (
    <div className="editor console-editor" role="group" aria-label={t("admin.editor")}>
      <ProblemMessage error={track.error ?? act.error} />
      {current ? (
        <>
          <label>
            {t("admin.title.field")}
            <input value={title ?? current.title} onChange={(event) => setTitle(event.target.value)} />
          </label>
          <label className="console-check">
            <input type="checkbox" checked={explicit ?? current.explicit} onChange={(event) => setExplicit(event.target.checked)} />
            {t("console.explicit")}
          </label>
          <label>
            {t("console.genres")}
            <input value={genres ?? current.genres.join(", ")} onChange={(event) => setGenres(event.target.value)} />
          </label>
          <label>
            {t("console.language")}
            <input value={language ?? current.language ?? ""} onChange={(event) => setLanguage(event.target.value)} maxLength={3} />
          </label>
          <label>
            ISRC
            <input value={isrc ?? current.isrc ?? ""} onChange={(event) => setIsrc(event.target.value)} />
          </label>
          <CreditsEditor credits={credits ?? current.credits} onChange={setCredits} />
          <button type="button" className="primary" onClick={() => act.mutate("save")} disabled={!changed || act.isPending}>
            {t("admin.save")}
          </button>
        </>
      ) : (
        <p className="muted">{t("console.trackTakenDownHint")}</p>
      )}
      {act.isPending ? <Busy label={t("console.working")} /> : null}
      <p data-testid="track-status" data-status={status}>
        {t("admin.status")}: {status}
      </p>
      {status === "published" ? (
        <>
          <input
            aria-label={t("admin.takedownReason")}
            placeholder={t("admin.takedownReason")}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
          <button type="button" disabled={!reason.trim() || act.isPending} onClick={() => act.mutate("takedown")}>
            {t("admin.takedown")}
          </button>
        </>
      ) : status === "taken_down" ? (
        <button type="button" disabled={act.isPending} onClick={() => act.mutate("restore")}>
          {t("admin.restore")}
        </button>
      ) : null}
    </div>
  );
}

/** Find a track by name and edit it; the track's id can be pasted too (a taken-down track is not in search). */
export function TrackFinder() {
  const { t } = useI18n();
  // ?track=<id> opens a track directly (the upload moderation tab links here).
  const [params] = useSearchParams();
  const [query, setQuery] = useState("");
  const [selected, setSelected] = useState<string | null>(params.get("track"));
  const found = useCatalogSearch("track", query);
  const pastedId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(query.trim()) ? query.trim() : null;
  return (
    <div className="console-finder">
      <input
        type="search"
        aria-label={t("admin.findTrack")}
        placeholder={t("admin.findTrack")}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      <ProblemMessage error={pastedId ? null : found.error} />
      {found.isFetching ? <Busy label={t("console.searching")} /> : null}
      <ul className="rows">
        {pastedId ? (
          <li>
            <button type="button" onClick={() => setSelected(pastedId)} aria-pressed={selected === pastedId}>
              {t("console.openById")} {pastedId.slice(0, 8)}
            </button>
          </li>
        ) : null}
        {found.data?.filter(isTrackHit).map((item) => (
          <li key={item.id}>
            <button type="button" onClick={() => setSelected(item.id)} aria-pressed={selected === item.id}>
              {item.title}
            </button>
            <span className="muted">{item.artists.map((artist) => artist.name).join(", ")}</span>
          </li>
        ))}
      </ul>
      {selected ? <TrackEditor key={selected} id={selected} /> : null}
    </div>
  );
}
