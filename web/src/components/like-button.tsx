import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { useI18n } from "../i18n/i18n";

/** The liked track ids, loaded once and shared by every like button. */
export function useLikedTracks() {
  return useQuery({
    queryKey: ["likes", "track"],
    queryFn: async () => new Set(unwrap(await api.GET("/me/likes", { params: { query: { kind: "track", limit: 100 } } })).likes.map((like) => like.id)),
  });
}

export function LikeButton({ trackId }: { trackId: string }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const liked = useLikedTracks().data?.has(trackId) ?? false;
  const toggle = useMutation({
    mutationFn: async () => {
      const params = { path: { kind: "track" as const, id: trackId } };
      if (liked) await api.DELETE("/me/likes/{kind}/{id}", { params });
      else await api.PUT("/me/likes/{kind}/{id}", { params });
    },
    onSettled: () => client.invalidateQueries({ queryKey: ["likes"] }),
  });
  return (
    <button
      type="button"
      className={liked ? "like liked" : "like"}
      aria-pressed={liked}
      aria-label={liked ? t("track.unlike") : t("track.like")}
      onClick={() => toggle.mutate()}
    >
      {liked ? "♥" : "♡"}
    </button>
  );
}
