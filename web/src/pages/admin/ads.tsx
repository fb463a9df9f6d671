/**
 * Ad campaigns and their creatives (/admin/ads/...): list with impression
 * totals, create, pause and resume, edit targeting and schedule; add a
 * creative by uploading its audio first (POST /admin/ads/audio answers the
 * key the creative names), pause or resume each creative.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, unwrap, type Schemas } from "../../api/client";
import { formatDuration, Loading, ProblemMessage } from "../../components/common";
import { useI18n } from "../../i18n/i18n";
import { Busy, sameList, splitList, useDateTime } from "./shared";

type Campaign = Schemas["AdCampaign"];
type Creative = Schemas["AdCreative"];
type AdStatus = Campaign["status"];

/** <input type="datetime-local"> speaks local time without a zone; the API wants an instant. */
const instantOf = (local: string): string | undefined => (local ? new Date(local).toISOString() : undefined);
const localOf = (iso: string | null): string => {
  if (!iso) return "";
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

function useInvalidateAds() {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: ["admin", "ads"] });
    void client.invalidateQueries({ queryKey: ["admin", "audit"] });
  };
}

function NumberField({
  label,
  value,
  onChange,
  min,
  max,
  step = 1,
}: {
  label: string;
  value: number;
  onChange: (value: number) => void;
  min: number;
  max?: number;
  step?: number;
}) {
  return (
    <label>
      {label}
      <input
        type="number"
        value={Number.isFinite(value) ? value : ""}
        min={min}
        max={max}
        step={step}
        onChange={(event) => onChange(event.target.valueAsNumber)}
      />
    </label>
  );
}

function CreateCampaign({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const invalidate = useInvalidateAds();
  const [name, setName] = useState("");
  const [advertiser, setAdvertiser] = useState("");
  const [status, setStatus] = useState<AdStatus>("active");
  const [startsAt, setStartsAt] = useState("");
  const [endsAt, setEndsAt] = useState("");
  const [priority, setPriority] = useState(0);
  const [weight, setWeight] = useState(1);
  const [hourlyCap, setHourlyCap] = useState(4);
  const [genres, setGenres] = useState("");
  const [languages, setLanguages] = useState("");
  const create = useMutation({
    mutationFn: async () => {
      const body: Schemas["AdCampaignRequest"] = {
        name: name.trim(),
        advertiser: advertiser.trim(),
        status,
        priority,
        weight,
        hourly_cap: hourlyCap,
        genres: splitList(genres),
        languages: splitList(languages),
      };
      const starts = instantOf(startsAt);
      if (starts) body.starts_at = starts;
      body.ends_at = instantOf(endsAt) ?? null;
      return unwrap(await api.POST("/admin/ads/campaigns", { body }));
    },
    onSuccess: () => {
      invalidate();
      onCreated();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form className="editor console-editor console-grid-form" onSubmit={submit} aria-labelledby="console-new-campaign">
      <h3 id="console-new-campaign">{t("console.newCampaign")}</h3>
      <ProblemMessage error={create.error} />
      <label>
        {t("console.campaignName")}
        <input value={name} onChange={(event) => setName(event.target.value)} required />
      </label>
      <label>
        {t("console.advertiser")}
        <input value={advertiser} onChange={(event) => setAdvertiser(event.target.value)} required />
      </label>
      <label>
        {t("console.initialStatus")}
        <select value={status} onChange={(event) => setStatus(event.target.value as AdStatus)}>
          <option value="active">{t("console.adStatus.active")}</option>
          <option value="paused">{t("console.adStatus.paused")}</option>
        </select>
      </label>
      <label>
        {t("console.startsAt")}
        <input type="datetime-local" value={startsAt} onChange={(event) => setStartsAt(event.target.value)} />
      </label>
      <label>
        {t("console.endsAt")}
        <input type="datetime-local" value={endsAt} onChange={(event) => setEndsAt(event.target.value)} />
      </label>
      <NumberField label={t("console.priority")} value={priority} onChange={setPriority} min={0} max={100} />
      <NumberField label={t("console.weight")} value={weight} onChange={setWeight} min={0} step={0.1} />
      <NumberField label={t("console.hourlyCap")} value={hourlyCap} onChange={setHourlyCap} min={1} />
      <label>
        {t("console.targetGenres")}
        <input value={genres} onChange={(event) => setGenres(event.target.value)} placeholder="rock, post-punk" />
      </label>
      <label>
        {t("console.targetLanguages")}
        <input value={languages} onChange={(event) => setLanguages(event.target.value)} placeholder="ru, en" />
      </label>
      <button type="submit" className="primary" disabled={!name.trim() || !advertiser.trim() || create.isPending}>
        {t("console.createCampaign")}
      </button>
      {create.isPending ? <Busy label={t("console.working")} /> : null}
    </form>
  );
}

function TargetingEditor({ campaign, onDone }: { campaign: Campaign; onDone: () => void }) {
  const { t } = useI18n();
  const invalidate = useInvalidateAds();
  const [genres, setGenres] = useState(campaign.genres.join(", "));
  const [languages, setLanguages] = useState(campaign.languages.join(", "));
  const [priority, setPriority] = useState(campaign.priority);
  const [weight, setWeight] = useState(campaign.weight);
  const [hourlyCap, setHourlyCap] = useState(campaign.hourly_cap);
  const [endsAt, setEndsAt] = useState(localOf(campaign.ends_at));
  const update: Schemas["AdCampaignUpdate"] = {};
  if (!sameList(splitList(genres), campaign.genres)) update.genres = splitList(genres);
  if (!sameList(splitList(languages), campaign.languages)) update.languages = splitList(languages);
  if (priority !== campaign.priority) update.priority = priority;
  if (weight !== campaign.weight) update.weight = weight;
  if (hourlyCap !== campaign.hourly_cap) update.hourly_cap = hourlyCap;
  if (endsAt !== localOf(campaign.ends_at)) update.ends_at = instantOf(endsAt) ?? null;
  const save = useMutation({
    mutationFn: async () => unwrap(await api.PATCH("/admin/ads/campaigns/{id}", { params: { path: { id: campaign.id } }, body: update })),
    onSuccess: () => {
      invalidate();
      onDone();
    },
  });
  return (
    <div className="editor console-editor console-grid-form" role="group" aria-label={`${t("console.targeting")}: ${campaign.name}`}>
      <ProblemMessage error={save.error} />
      <label>
        {t("console.targetGenres")}
        <input value={genres} onChange={(event) => setGenres(event.target.value)} />
      </label>
      <label>
        {t("console.targetLanguages")}
        <input value={languages} onChange={(event) => setLanguages(event.target.value)} />
      </label>
      <NumberField label={t("console.priority")} value={priority} onChange={setPriority} min={0} max={100} />
      <NumberField label={t("console.weight")} value={weight} onChange={setWeight} min={0} step={0.1} />
      <NumberField label={t("console.hourlyCap")} value={hourlyCap} onChange={setHourlyCap} min={1} />
      <label>
        {t("console.endsAt")}
        <input type="datetime-local" value={endsAt} onChange={(event) => setEndsAt(event.target.value)} />
      </label>
      <div className="console-actions">
        <button type="button" className="primary" disabled={Object.keys(update).length === 0 || save.isPending} onClick={() => save.mutate()}>
          {t("console.saveTargeting")}
        </button>
        <button type="button" onClick={onDone}>
          {t("console.cancel")}
        </button>
      </div>
      {save.isPending ? <Busy label={t("console.working")} /> : null}
    </div>
  );
}

/** The length of an audio file as the browser decodes it, to fill in the creative's duration. */
function measureDuration(file: File): Promise<number | null> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const audio = new Audio();
    const done = (value: number | null) => {
      URL.revokeObjectURL(url);
      resolve(value);
    };
    audio.preload = "metadata";
    audio.onloadedmetadata = () => done(Number.isFinite(audio.duration) ? Math.round(audio.duration * 1000) : null);
    audio.onerror = () => done(null);
    audio.src = url;
  });
}

function AddCreative({ campaign }: { campaign: Campaign }) {
  const { t } = useI18n();
  const invalidate = useInvalidateAds();
  const [name, setName] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [seconds, setSeconds] = useState(15);
  const [clickUrl, setClickUrl] = useState("");
  const [imageUrl, setImageUrl] = useState("");
  const [stage, setStage] = useState<"audio" | "creative" | null>(null);
  // A file input cannot be cleared through React state; a new key gives a fresh, empty one after an upload.
  const [audioInputKey, setAudioInputKey] = useState(0);
  const add = useMutation({
    mutationFn: async () => {
      if (!file) return;
      setStage("audio");
      // The schema types the audio body as a string; the serializer sends the file's bytes as they are.
      const audio = unwrap(
        await api.POST("/admin/ads/audio", { body: "", bodySerializer: () => file, headers: { "content-type": file.type || "application/octet-stream" } }),
      );
      setStage("creative");
      return unwrap(
        await api.POST("/admin/ads/campaigns/{id}/creatives", {
          params: { path: { id: campaign.id } },
          body: {
            name: name.trim(),
            status: "active",
            audio_key: audio.audio_key,
            duration_ms: Math.round(seconds * 1000),
            click_url: clickUrl.trim() || null,
            image_url: imageUrl.trim() || null,
            weight: 1,
          },
        }),
      );
    },
    onSettled: () => setStage(null),
    onSuccess: () => {
      setName("");
      setFile(null);
      setAudioInputKey((key) => key + 1);
      setClickUrl("");
      setImageUrl("");
      invalidate();
    },
  });
  return (
    <form
      className="editor console-editor console-grid-form"
      aria-label={`${t("console.addCreative")}: ${campaign.name}`}
      onSubmit={(event) => {
        event.preventDefault();
        add.mutate();
      }}
    >
      <ProblemMessage error={add.error} />
      <label>
        {t("console.creativeName")}
        <input value={name} onChange={(event) => setName(event.target.value)} required />
      </label>
      <label>
        {t("console.creativeAudio")}
        <input
          key={audioInputKey}
          type="file"
          accept="audio/*"
          onChange={(event) => {
            const chosen = event.target.files?.[0] ?? null;
            setFile(chosen);
            if (chosen) void measureDuration(chosen).then((ms) => ms !== null && setSeconds(Math.min(120, Math.max(1, Math.round(ms / 1000)))));
          }}
        />
      </label>
      <NumberField label={t("console.creativeSeconds")} value={seconds} onChange={setSeconds} min={1} max={120} />
      <label>
        {t("console.clickUrl")}
        <input type="url" value={clickUrl} onChange={(event) => setClickUrl(event.target.value)} placeholder="https://" />
      </label>
      <label>
        {t("console.imageUrl")}
        <input type="url" value={imageUrl} onChange={(event) => setImageUrl(event.target.value)} placeholder="https://" />
      </label>
      <button type="submit" disabled={!file || !name.trim() || add.isPending}>
        {t("console.addCreative")}
      </button>
      {stage ? <Busy label={stage === "audio" ? t("console.uploadingAudio") : t("console.working")} /> : null}
    </form>
  );
}

function CreativeRow({ creative }: { creative: Creative }) {
  const { t } = useI18n();
  const invalidate = useInvalidateAds();
  const toggle = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PATCH("/admin/ads/creatives/{id}", {
          params: { path: { id: creative.id } },
          body: { status: creative.status === "active" ? "paused" : "active" },
        }),
      ),
    onSuccess: invalidate,
  });
  return (
    <li>
      <span className="console-grow">
        <strong>{creative.name}</strong>{" "}
        <span className="muted">
          {formatDuration(creative.duration_ms)} · {creative.audio_content_type} · ×{creative.weight}
        </span>
        {creative.click_url ? (
          <>
            {" "}
            <a href={creative.click_url} target="_blank" rel="noreferrer noopener">
              {t("console.clickUrl")}
            </a>
          </>
        ) : null}
      </span>
      <span className={`console-state console-state-${creative.status}`}>{t(`console.adStatus.${creative.status}`)}</span>
      <button
        type="button"
        disabled={toggle.isPending}
        onClick={() => toggle.mutate()}
        aria-label={`${creative.status === "active" ? t("console.pause") : t("console.resume")}: ${creative.name}`}
      >
        {creative.status === "active" ? t("console.pause") : t("console.resume")}
      </button>
      <ProblemMessage error={toggle.error} />
    </li>
  );
}

function CampaignCard({ campaign }: { campaign: Campaign }) {
  const { t } = useI18n();
  const dateTime = useDateTime();
  const invalidate = useInvalidateAds();
  const [editing, setEditing] = useState(false);
  const toggle = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PATCH("/admin/ads/campaigns/{id}", {
          params: { path: { id: campaign.id } },
          body: { status: campaign.status === "active" ? "paused" : "active" },
        }),
      ),
    onSuccess: invalidate,
  });
  const pauseLabel = campaign.status === "active" ? t("console.pause") : t("console.resume");
  return (
    <li className="console-card" data-status={campaign.status} aria-label={campaign.name}>
      <div className="console-card-head">
        <strong>{campaign.name}</strong>
        <span className="muted">{campaign.advertiser}</span>
        <span className={`console-state console-state-${campaign.status}`} data-testid="campaign-status">
          {t(`console.adStatus.${campaign.status}`)}
        </span>
      </div>
      <p className="muted">
        {t("console.impressions")}: {campaign.impressions.served} / {t("console.played")} {campaign.impressions.played} / {t("console.clicked")}{" "}
        {campaign.impressions.clicked}
      </p>
      <p className="muted">
        {dateTime(campaign.starts_at)} – {campaign.ends_at ? dateTime(campaign.ends_at) : t("console.openEnded")} · {t("console.priority")} {campaign.priority}{" "}
        · {t("console.weight")} {campaign.weight} · {t("console.hourlyCap")} {campaign.hourly_cap}
      </p>
      <p className="muted">
        {t("console.targetGenres")}: {campaign.genres.join(", ") || t("console.any")} · {t("console.targetLanguages")}:{" "}
        {campaign.languages.join(", ") || t("console.any")}
      </p>
      <ProblemMessage error={toggle.error} />
      <div className="console-actions">
        <button type="button" disabled={toggle.isPending} onClick={() => toggle.mutate()} aria-label={`${pauseLabel}: ${campaign.name}`}>
          {pauseLabel}
        </button>
        <button type="button" aria-expanded={editing} onClick={() => setEditing(!editing)} aria-label={`${t("console.editTargeting")}: ${campaign.name}`}>
          {t("console.editTargeting")}
        </button>
        {toggle.isPending ? <Busy label={t("console.working")} /> : null}
      </div>
      {editing ? <TargetingEditor campaign={campaign} onDone={() => setEditing(false)} /> : null}
      <details>
        <summary>
          {t("console.creatives")} ({campaign.creatives.length})
        </summary>
        <ul className="rows" aria-label={`${t("console.creatives")}: ${campaign.name}`}>
          {campaign.creatives.map((creative) => (
            <CreativeRow key={creative.id} creative={creative} />
          ))}
        </ul>
        <AddCreative campaign={campaign} />
      </details>
    </li>
  );
}

export function AdsTab() {
  const { t } = useI18n();
  const [status, setStatus] = useState<AdStatus | "">("");
  const [creating, setCreating] = useState(false);
  const campaigns = useQuery({
    queryKey: ["admin", "ads", status],
    queryFn: async () => unwrap(await api.GET("/admin/ads/campaigns", { params: { query: { limit: 100, ...(status ? { status } : {}) } } })).campaigns,
  });
  return (
    <section aria-labelledby="console-ads">
      <h2 id="console-ads">{t("console.tab.ads")}</h2>
      <div className="console-filters">
        <label>
          {t("console.statusFilter")}
          <select value={status} onChange={(event) => setStatus(event.target.value as AdStatus | "")}>
            <option value="">{t("console.all")}</option>
            <option value="active">{t("console.adStatus.active")}</option>
            <option value="paused">{t("console.adStatus.paused")}</option>
          </select>
        </label>
        <button type="button" aria-expanded={creating} onClick={() => setCreating(!creating)}>
          {t("console.newCampaign")}
        </button>
      </div>
      {creating ? <CreateCampaign onCreated={() => setCreating(false)} /> : null}
      <ProblemMessage error={campaigns.error} />
      {campaigns.isPending ? <Loading /> : campaigns.data?.length === 0 ? <p className="muted">{t("console.noCampaigns")}</p> : null}
      <ul className="console-list" aria-label={t("console.campaigns")}>
        {campaigns.data?.map((campaign) => (
          <CampaignCard key={campaign.id} campaign={campaign} />
        ))}
      </ul>
    </section>
  );
}
