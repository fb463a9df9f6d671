/**
 * Event backbone health: each consumer group's lag (as the origin last
 * measured it, every 30 s — so the age of a measurement is shown too: a
 * stopped service keeps its last row) and the dead letters, which an admin
 * may replay once to their original topic.
 */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap, type Schemas } from "../../api/client";
import { Loading, ProblemMessage } from "../../components/common";
import { useI18n } from "../../i18n/i18n";
import { Busy, Fact, useDateTime, ScrollArea } from "./shared";

type DeadLetter = Schemas["DeadLetter"];
type DeadLetterState = DeadLetter["state"];
const deadLetterStates: readonly DeadLetterState[] = ["parked", "replay_requested", "replayed"];

/** Older than two lag timers: the group's service is probably not running. */
const staleAfterMs = 90_000;

function ConsumerLag() {
  const { t } = useI18n();
  const dateTime = useDateTime();
  const lag = useQuery({
    queryKey: ["admin", "consumers"],
    queryFn: async () => unwrap(await api.GET("/admin/consumers")),
    refetchInterval: 15_000,
  });
  return (
    <section aria-labelledby="console-lag">
      <div className="console-card-head">
        <h3 id="console-lag">{t("console.consumerLag")}</h3>
        <button type="button" onClick={() => void lag.refetch()} disabled={lag.isFetching}>
          {t("console.refresh")}
        </button>
        {lag.isFetching ? <Busy label={t("console.refreshing")} /> : null}
      </div>
      <ProblemMessage error={lag.error} />
      {lag.isPending ? <Loading /> : null}
      {lag.data ? (
        <p className="muted">
          {t("console.measuredAt")}: {lag.data.measured_at ? dateTime(lag.data.measured_at) : t("console.notMeasured")}
        </p>
      ) : null}
      {lag.data?.groups.length === 0 ? <p className="muted">{t("console.noGroups")}</p> : null}
      {lag.data && lag.data.groups.length > 0 ? (
        <ScrollArea label={t("console.consumerLag")}>
          <table className="audit" aria-label={t("console.consumerLag")}>
            <thead>
              <tr>
                <th scope="col">{t("console.group")}</th>
                <th scope="col">{t("console.lag")}</th>
                <th scope="col">{t("console.measuredAt")}</th>
                <th scope="col">{t("console.partitions")}</th>
              </tr>
            </thead>
            <tbody>
              {lag.data.groups.map((group) => {
                const stale = Date.now() - new Date(group.measured_at).getTime() > staleAfterMs;
                return (
                  <tr key={group.group} data-testid="consumer-group">
                    <th scope="row">{group.group}</th>
                    <td className={group.lag > 0 ? "console-lagging" : undefined}>{group.lag}</td>
                    <td>
                      {dateTime(group.measured_at)}
                      {stale ? <span className="warning"> {t("console.stale")}</span> : null}
                    </td>
                    <td>
                      <details>
                        <summary>{group.partitions.length}</summary>
                        <ul className="console-plain">
                          {group.partitions.map((partition) => (
                            <li key={`${partition.topic}/${partition.partition}`}>
                              {partition.topic}#{partition.partition}: {partition.committed_offset} / {partition.end_offset} ({t("console.lag")} {partition.lag}
                              )
                            </li>
                          ))}
                        </ul>
                      </details>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollArea>
      ) : null}
    </section>
  );
}

function DeadLetterRow({ letter }: { letter: DeadLetter }) {
  const { t } = useI18n();
  const dateTime = useDateTime();
  const client = useQueryClient();
  const replay = useMutation({
    mutationFn: async () => unwrap(await api.POST("/admin/dead-letters/{id}/replay", { params: { path: { id: letter.id } } })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["admin", "dead-letters"] });
      void client.invalidateQueries({ queryKey: ["admin", "audit"] });
    },
  });
  return (
    <li className="console-card" data-state={letter.state}>
      <div className="console-card-head">
        <strong>{letter.event_type ?? letter.original_topic}</strong>
        <span className={`console-state console-state-${letter.state}`}>{t(`console.dlState.${letter.state}`)}</span>
        {letter.state === "parked" ? (
          <button type="button" disabled={replay.isPending} onClick={() => replay.mutate()} aria-label={`${t("console.replay")}: ${letter.id}`}>
            {t("console.replay")}
          </button>
        ) : null}
        {replay.isPending ? <Busy label={t("console.working")} /> : null}
      </div>
      <ProblemMessage error={replay.error} />
      <dl className="facts console-facts">
        <Fact term={t("console.topic")}>
          {letter.original_topic}
          {letter.original_partition !== null ? `#${letter.original_partition}` : ""}
          {letter.original_offset !== null ? ` @${letter.original_offset}` : ""}
        </Fact>
        <Fact term={t("console.group")}>{letter.consumer_group ?? "—"}</Fact>
        <Fact term={t("console.dlReason")}>
          {letter.reason ?? "—"}
          {letter.attempts !== null ? ` (${t("console.attempts")}: ${letter.attempts})` : ""}
        </Fact>
        {letter.error_message ? <Fact term={t("console.lastError")}>{letter.error_message}</Fact> : null}
        <Fact term={t("console.receivedAt")}>{dateTime(letter.received_at)}</Fact>
        {letter.replay_requested_at ? <Fact term={t("console.replayRequested")}>{dateTime(letter.replay_requested_at)}</Fact> : null}
        {letter.replayed_at ? <Fact term={t("console.replayedAt")}>{dateTime(letter.replayed_at)}</Fact> : null}
      </dl>
      <details>
        <summary>{t("console.payload")}</summary>
        <pre className="console-pre">{letter.value}</pre>
      </details>
    </li>
  );
}

function DeadLetters() {
  const { t } = useI18n();
  const [state, setState] = useState<DeadLetterState | "">("");
  const [topic, setTopic] = useState("");
  const letters = useInfiniteQuery({
    queryKey: ["admin", "dead-letters", state, topic.trim()],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/admin/dead-letters", {
          params: {
            query: { limit: 20, ...(state ? { state } : {}), ...(topic.trim() ? { topic: topic.trim() } : {}), ...(pageParam ? { before: pageParam } : {}) },
          },
        }),
      ),
    getNextPageParam: (page) => page.next_before ?? undefined,
    // A requested replay turns into "replayed" within a pass of the origin's loop (2 s).
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.dead_letters.some((letter) => letter.state === "replay_requested")) ? 3_000 : false,
  });
  const rows = letters.data?.pages.flatMap((page) => page.dead_letters) ?? [];
  return (
    <section aria-labelledby="console-dead-letters">
      <h3 id="console-dead-letters">{t("console.deadLetters")}</h3>
      <div className="console-filters">
        <label>
          {t("console.dlStateFilter")}
          <select value={state} onChange={(event) => setState(event.target.value as DeadLetterState | "")}>
            <option value="">{t("console.all")}</option>
            {deadLetterStates.map((option) => (
              <option key={option} value={option}>
                {t(`console.dlState.${option}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("console.topicFilter")}
          <input value={topic} onChange={(event) => setTopic(event.target.value)} />
        </label>
      </div>
      <ProblemMessage error={letters.error} />
      {letters.isPending ? (
        <Loading />
      ) : rows.length === 0 ? (
        <p className="muted" data-testid="no-dead-letters">
          {t("console.noDeadLetters")}
        </p>
      ) : null}
      <ul className="console-list" aria-label={t("console.deadLetters")}>
        {rows.map((letter) => (
          <DeadLetterRow key={letter.id} letter={letter} />
        ))}
      </ul>
      {letters.isFetchingNextPage ? <Busy label={t("console.loadingMore")} /> : null}
      {letters.hasNextPage ? (
        <button type="button" onClick={() => void letters.fetchNextPage()} disabled={letters.isFetchingNextPage}>
          {t("console.showMore")}
        </button>
      ) : null}
    </section>
  );
}

export function BackboneTab() {
  const { t } = useI18n();
  return (
    <section aria-labelledby="console-backbone">
      <h2 id="console-backbone">{t("console.tab.backbone")}</h2>
      <ConsumerLag />
      <DeadLetters />
    </section>
  );
}
