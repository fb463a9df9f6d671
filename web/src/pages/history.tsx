/** Listening history: the plays the listener started, newest first, a page at a time. */
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { useSession } from "../auth/session";
import { Loading, Page, ProblemMessage } from "../components/common";
import { TrackList } from "../components/track-list";
import { useI18n } from "../i18n/i18n";

export function HistoryPage() {
  const { t, locale } = useI18n();
  const { viewer } = useSession();
  const plays = useInfiniteQuery({
    queryKey: ["history"],
    enabled: Boolean(viewer),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => unwrap(await api.GET("/me/history", { params: { query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
  const all = plays.data?.pages.flatMap((page) => page.plays) ?? [];
  const ids = [...new Set(all.map((play) => play.track_id))];
  // The catalog's view of each track once; a track taken down since drops out of the list.
  const tracks = useQuery({
    queryKey: ["history-tracks", ids],
    enabled: ids.length > 0,
    queryFn: async () =>
      (await Promise.all(ids.map(async (id) => (await api.GET("/tracks/{id}", { params: { path: { id } } })).data))).filter((track) => track !== undefined),
  });
  if (viewer === null)
    return (
      <Page title={t("history.title")}>
        <p>{t("playlists.signIn")}</p>
      </Page>
    );
  const byId = new Map((tracks.data ?? []).map((track) => [track.id, track]));
  const format = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  const days = new Map<string, typeof all>();
  for (const play of all) {
    const day = format.format(new Date(play.started_at)).split(",")[0] ?? "";
    days.set(day, [...(days.get(day) ?? []), play]);
  }
  return (
    <Page title={t("history.title")}>
      <ProblemMessage error={plays.error ?? tracks.error} />
      {plays.isPending || (ids.length > 0 && tracks.isPending) ? <Loading /> : null}
      {plays.isSuccess && all.length === 0 ? <p className="muted">{t("history.empty")}</p> : null}
      {[...days].map(([day, dayPlays]) => (
        <section key={day}>
          <h2>{day}</h2>
          <TrackList
            label={`${t("history.title")}: ${day}`}
            tracks={dayPlays.flatMap((play) => byId.get(play.track_id) ?? []).filter((track, index, list) => list.indexOf(track) === index)}
          />
        </section>
      ))}
      {plays.hasNextPage ? (
        <button type="button" disabled={plays.isFetchingNextPage} onClick={() => void plays.fetchNextPage()}>
          {t("history.more")}
        </button>
      ) : null}
    </Page>
  );
}
