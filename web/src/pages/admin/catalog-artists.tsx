/**
 * Artist profiles: create one, correct its name or bio, merge a duplicate
 * into the profile that stays (tracks, albums and managers move; the old page
 * redirects), and — admins only, since linking grants the artist role — the
 * accounts that manage it.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, unwrap, type Schemas } from "../../api/client";
import { Loading, ProblemMessage } from "../../components/common";
import { useI18n } from "../../i18n/i18n";
import { ArtistPicker, Busy, useDateTime, useRecentArtists, type KnownArtist } from "./shared";

function CreateArtist({ onCreated }: { onCreated: (artist: KnownArtist) => void }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const [name, setName] = useState("");
  const [bio, setBio] = useState("");
  const create = useMutation({
    mutationFn: async () => unwrap(await api.POST("/admin/artists", { body: { name: name.trim(), bio: bio.trim() || null } })),
    onSuccess: (artist) => {
      setName("");
      setBio("");
      onCreated({ id: artist.id, name: artist.name });
      void client.invalidateQueries({ queryKey: ["admin", "audit"] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form className="editor console-editor" onSubmit={submit} aria-labelledby="console-new-artist">
      <h4 id="console-new-artist">{t("console.newArtist")}</h4>
      <ProblemMessage error={create.error} />
      <label>
        {t("console.newArtistName")}
        <input value={name} onChange={(event) => setName(event.target.value)} required maxLength={200} />
      </label>
      <label>
        {t("console.bio")}
        <textarea value={bio} onChange={(event) => setBio(event.target.value)} rows={2} />
      </label>
      <button type="submit" className="primary" disabled={!name.trim() || create.isPending}>
        {t("console.createArtist")}
      </button>
      {create.isPending ? <Busy label={t("console.working")} /> : null}
    </form>
  );
}

function Managers({ artistId }: { artistId: string }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const dateTime = useDateTime();
  const [email, setEmail] = useState("");
  const managers = useQuery({
    queryKey: ["admin", "managers", artistId],
    queryFn: async () => unwrap(await api.GET("/admin/artists/{id}/managers", { params: { path: { id: artistId } } })).managers,
  });
  const change = useMutation({
    mutationFn: async (change: { add: string } | { remove: string }) => {
      if ("add" in change)
        return void unwrap(await api.POST("/admin/artists/{id}/managers", { params: { path: { id: artistId } }, body: { email: change.add } }));
      const { response, error } = await api.DELETE("/admin/artists/{id}/managers/{user_id}", { params: { path: { id: artistId, user_id: change.remove } } });
      // 204 has no body for unwrap to return: only the problem matters.
      if (!response.ok) unwrap({ error: error ?? {}, response });
    },
    onSuccess: () => {
      setEmail("");
      void client.invalidateQueries({ queryKey: ["admin", "managers", artistId] });
      void client.invalidateQueries({ queryKey: ["admin", "audit"] });
    },
  });
  return (
    <fieldset>
      <legend>{t("console.managers")}</legend>
      <ProblemMessage error={managers.error ?? change.error} />
      {managers.isPending ? <Loading /> : managers.data?.length === 0 ? <p className="muted">{t("console.noManagers")}</p> : null}
      <ul className="rows" aria-label={t("console.managers")}>
        {managers.data?.map((manager) => (
          <li key={manager.user_id}>
            <span className="console-grow">{manager.email}</span>
            <span className="muted">{dateTime(manager.added_at)}</span>
            <button
              type="button"
              disabled={change.isPending}
              onClick={() => change.mutate({ remove: manager.user_id })}
              aria-label={`${t("console.removeManager")}: ${manager.email}`}
            >
              {t("console.remove")}
            </button>
          </li>
        ))}
      </ul>
      <form
        className="console-actions"
        onSubmit={(event) => {
          event.preventDefault();
          change.mutate({ add: email.trim() });
        }}
      >
        <input
          type="email"
          aria-label={t("console.managerEmail")}
          placeholder={t("console.managerEmail")}
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <button type="submit" disabled={!email.trim() || change.isPending}>
          {t("console.addManager")}
        </button>
      </form>
    </fieldset>
  );
}

function MergeArtist({ artist, onMerged }: { artist: KnownArtist; onMerged: (result: Schemas["ArtistMerged"]) => void }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const [target, setTarget] = useState<KnownArtist | null>(null);
  const [reason, setReason] = useState("");
  const merge = useMutation({
    mutationFn: async (into: KnownArtist) =>
      unwrap(
        await api.POST("/admin/artists/{id}/merge", {
          params: { path: { id: artist.id } },
          body: { into_artist_id: into.id, ...(reason.trim() ? { reason: reason.trim() } : {}) },
        }),
      ),
    onSuccess: (merged) => {
      onMerged(merged);
      void client.invalidateQueries({ queryKey: ["admin", "audit"] });
    },
  });
  return (
    <fieldset>
      <legend>{t("console.mergeTitle")}</legend>
      <p className="muted">{t("console.mergeHint")}</p>
      <ProblemMessage error={merge.error} />
      {target ? (
        <div className="console-actions">
          <span className="console-grow">
            {artist.name} → <strong>{target.name}</strong>
          </span>
          <button type="button" onClick={() => setTarget(null)}>
            {t("console.change")}
          </button>
        </div>
      ) : (
        <ArtistPicker label={t("console.findMergeTarget")} action={t("console.mergeInto")} exclude={[artist.id]} onPick={setTarget} />
      )}
      <input aria-label={t("console.mergeReason")} placeholder={t("console.mergeReason")} value={reason} onChange={(event) => setReason(event.target.value)} />
      <button type="button" className="primary" disabled={!target || merge.isPending} onClick={() => target && merge.mutate(target)}>
        {t("console.merge")}
      </button>
      {merge.isPending ? <Busy label={t("console.working")} /> : null}
    </fieldset>
  );
}

/** After a merge the duplicate can no longer be edited (the API answers 409): only the way to the survivor is left. */
function MergeResult({ result, onOpen }: { result: Schemas["ArtistMerged"]; onOpen: (artist: KnownArtist) => void }) {
  const { t } = useI18n();
  return (
    <div role="status" className="console-done" data-testid="merge-result">
      <p>
        {t("console.merged")}: {result.merged.name} → {result.into.name} · {t("console.tracksMoved")}: {result.tracks_moved}
      </p>
      <button type="button" onClick={() => onOpen({ id: result.into.id, name: result.into.name })}>
        {t("console.openSurvivor")}
      </button>
    </div>
  );
}

function ArtistEditor({ artist, admin, onOpen }: { artist: KnownArtist; admin: boolean; onOpen: (artist: KnownArtist) => void }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const { remember } = useRecentArtists();
  // The public page: a merged profile redirects (308) to the one that stays, which fetch follows.
  const profile = useQuery({
    queryKey: ["admin", "artist", artist.id],
    queryFn: async () => unwrap(await api.GET("/artists/{id}", { params: { path: { id: artist.id } } })),
  });
  const [saved, setSaved] = useState<Schemas["CuratedArtist"] | null>(null);
  const [mergeResult, setMergeResult] = useState<Schemas["ArtistMerged"] | null>(null);
  const [name, setName] = useState<string | undefined>(undefined);
  const [bio, setBio] = useState<string | undefined>(undefined);
  const currentName = saved?.name ?? profile.data?.name ?? artist.name;
  const currentBio = saved?.bio ?? profile.data?.bio ?? null;
  const edit: Schemas["ArtistEdit"] = {};
  if (name !== undefined && name.trim() !== currentName) edit.name = name.trim();
  if (bio !== undefined && (bio.trim() || null) !== currentBio) edit.bio = bio.trim() || null;
  const save = useMutation({
    mutationFn: async () => unwrap(await api.PATCH("/admin/artists/{id}", { params: { path: { id: artist.id } }, body: edit })),
    onSuccess: (curated) => {
      setSaved(curated);
      setName(undefined);
      setBio(undefined);
      remember({ id: curated.id, name: curated.name });
      void client.invalidateQueries({ queryKey: ["admin", "audit"] });
    },
  });
  const redirected = profile.data && profile.data.id !== artist.id;
  if (mergeResult) return <MergeResult result={mergeResult} onOpen={onOpen} />;
  return (
    <div className="editor console-editor" role="group" aria-label={`${t("console.artistEditor")}: ${currentName}`}>
      <ProblemMessage error={profile.error ?? save.error} />
      {profile.isPending ? <Loading /> : null}
      {redirected || saved?.merged_into ? <p className="warning">{t("console.artistMerged")}</p> : null}
      <label>
        {t("console.artistName")}
        <input value={name ?? currentName} onChange={(event) => setName(event.target.value)} />
      </label>
      <label>
        {t("console.bio")}
        <textarea value={bio ?? currentBio ?? ""} onChange={(event) => setBio(event.target.value)} rows={3} />
      </label>
      <button type="button" className="primary" disabled={Object.keys(edit).length === 0 || save.isPending} onClick={() => save.mutate()}>
        {t("console.saveArtist")}
      </button>
      {save.isPending ? <Busy label={t("console.working")} /> : null}
      {profile.data ? (
        <p className="muted">
          {t("console.topTracks")}: {profile.data.top_tracks.map((track) => track.title).join(", ") || "—"}
        </p>
      ) : null}
      {redirected ? null : <MergeArtist artist={{ id: artist.id, name: currentName }} onMerged={setMergeResult} />}
      {admin && !redirected ? <Managers artistId={artist.id} /> : null}
    </div>
  );
}

export function ArtistsPanel({ admin }: { admin: boolean }) {
  const { t } = useI18n();
  const { remember } = useRecentArtists();
  const [selected, setSelected] = useState<KnownArtist | null>(null);
  const open = (artist: KnownArtist) => {
    remember(artist);
    setSelected(artist);
  };
  return (
    <section aria-labelledby="console-artists">
      <h3 id="console-artists">{t("console.artists")}</h3>
      <div className="console-columns">
        <div>
          <ArtistPicker label={t("console.findArtist")} action={t("console.open")} onPick={open} />
          {selected ? (
            <p>
              {t("console.editing")}: <strong>{selected.name}</strong>
            </p>
          ) : null}
        </div>
        <CreateArtist onCreated={open} />
      </div>
      {selected ? <ArtistEditor key={selected.id} artist={selected} admin={admin} onOpen={open} /> : null}
    </section>
  );
}
