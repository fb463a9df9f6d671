/**
 * The studio's figures: per track, plays, listeners and the completion rate
 * per day (GET /me/tracks/stats, fed by the play events), as a table and as a
 * uPlot chart of the chosen track. uPlot draws on a canvas; the table carries
 * the same numbers for screen readers.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { api, unwrap, type Schemas } from "../api/client";
import { Loading, ProblemMessage } from "../components/common";
import { useI18n } from "../i18n/i18n";

type Figures = Schemas["TrackFigures"];

function Chart({ days, track }: { days: string[]; track: Figures }) {
  const { t } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const x = days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000);
    const completion = track.daily.completion_rate.map((rate) => (rate === null ? null : Math.round(rate * 100)));
    const chart = new uPlot(
      {
        width: Math.max(280, element.clientWidth),
        height: 220,
        scales: { x: { time: true }, count: { auto: true }, percent: { range: [0, 100] } },
        series: [
          {},
          { label: t("studio.stats.plays"), scale: "count", stroke: "#1f6feb", width: 2 },
          { label: t("studio.stats.listeners"), scale: "count", stroke: "#2da44e", width: 2 },
          { label: t("studio.stats.completion"), scale: "percent", stroke: "#bf8700", dash: [4, 4], spanGaps: true },
        ],
        axes: [{}, { scale: "count" }, { scale: "percent", side: 1, grid: { show: false }, values: (_, ticks) => ticks.map((tick) => `${tick}%`) }],
      },
      [x, track.daily.plays, track.daily.listeners, completion],
      element,
    );
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(280, element.clientWidth), height: 220 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [days, track, t]);
  return <div ref={box} className="chart" role="img" aria-label={`${t("studio.stats.chart")}: ${track.title}`} data-testid="track-chart" />;
}

export function TrackFigures() {
  const { t } = useI18n();
  const [days, setDays] = useState(30);
  const [chosen, setChosen] = useState<string | null>(null);
  const figures = useQuery({
    queryKey: ["my-track-stats", days],
    queryFn: async () => unwrap(await api.GET("/me/tracks/stats", { params: { query: { days } } })),
    refetchInterval: 60_000,
  });
  const tracks = figures.data?.tracks ?? [];
  const shown = tracks.find((track) => track.track_id === chosen) ?? tracks[0];
  const percent = (rate: number | null) => (rate === null ? "—" : `${Math.round(rate * 100)}%`);
  return (
    <section aria-labelledby="figures">
      <h2 id="figures">{t("studio.stats.title")}</h2>
      <label>
        {t("studio.stats.period")}{" "}
        <select value={days} onChange={(event) => setDays(Number(event.target.value))}>
          {[7, 30, 90].map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
      </label>
      <ProblemMessage error={figures.error} />
      {figures.isPending ? <Loading /> : null}
      {figures.isSuccess && tracks.length === 0 ? <p className="muted">{t("studio.stats.none")}</p> : null}
      {shown && figures.data ? <Chart days={figures.data.days} track={shown} /> : null}
      {tracks.length ? (
        <table className="audit">
          <caption className="visually-hidden">{t("studio.stats.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("studio.field.title")}</th>
              <th scope="col">{t("studio.stats.starts")}</th>
              <th scope="col">{t("studio.stats.plays")}</th>
              <th scope="col">{t("studio.stats.listeners")}</th>
              <th scope="col">{t("studio.stats.completion")}</th>
            </tr>
          </thead>
          <tbody>
            {tracks.map((track) => (
              <tr key={track.track_id} aria-current={track === shown ? "true" : undefined}>
                <td>
                  <button type="button" className="link-button" aria-pressed={track === shown} onClick={() => setChosen(track.track_id)}>
                    {track.title}
                  </button>
                </td>
                <td>{track.totals.starts}</td>
                <td>{track.totals.plays}</td>
                <td>{track.totals.listener_days}</td>
                <td>{percent(track.totals.completion_rate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
