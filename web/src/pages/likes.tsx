import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { Loading, Page, ProblemMessage } from "../components/common";
import { useLikedTracks } from "../components/like-button";
import { TrackList } from "../components/track-list";
import { useI18n } from "../i18n/i18n";

export function LikesPage() {
  const { t } = useI18n();
  const liked = useLikedTracks();
  const ids = [...(liked.data ?? [])];
  const tracks = useQuery({
    queryKey: ["liked-tracks", ids],
    enabled: liked.isSuccess,
    queryFn: async () => Promise.all(ids.map(async (id) => unwrap(await api.GET("/tracks/{id}", { params: { path: { id } } })))),
  });
  return (
    <Page title={t("likes.title")}>
      <ProblemMessage error={liked.error ?? tracks.error} />
      {tracks.isPending ? (
        <Loading />
      ) : tracks.data?.length ? (
        <TrackList tracks={tracks.data} label={t("likes.title")} />
      ) : (
        <p className="muted">{t("likes.empty")}</p>
      )}
    </Page>
  );
}
