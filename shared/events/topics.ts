/**
 * Topics of the event backbone. A topic's key decides its order guarantee:
 * records with one key land in one partition and are consumed in order.
 * Partition counts bound a consumer group's parallelism; they can grow later
 * (at the price of re-keying order), never shrink.
 */
export const topics = {
  "tunec.catalog.tracks": { partitions: 6, key: "track id", description: "Track changes captured from catalog.tracks (CDC)." },
  "tunec.catalog.artists-albums": {
    partitions: 3,
    key: "artist or album id",
    description: "Artist and album changes (curation, releases): renames reach search at once.",
  },
  "tunec.catalog.artist-access": { partitions: 3, key: "user id", description: "Who became an artist or a manager of a profile (told to them by notify)." },
  "tunec.ingestion.uploads": { partitions: 3, key: "upload id", description: "Outcome of artists' uploads: published or rejected." },
  "tunec.playback": { partitions: 6, key: "user id", description: "Plays started and finished (read by Events Statistics)." },
  "tunec.billing.payments": { partitions: 3, key: "user id", description: "Payments that completed or failed at the provider." },
  "tunec.billing.subscriptions": { partitions: 3, key: "user id", description: "Subscription lifecycle: activated, failed, expired." },
  "tunec.users": { partitions: 3, key: "user id", description: "Profile and premium-status changes; track likes and playlist adds (recommendation signals)." },
  "tunec.auth.accounts": {
    partitions: 3,
    key: "user id",
    description: "Account mail requests (verify, change address, reset password); no addresses, no links.",
  },
} as const satisfies Record<string, { partitions: number; key: string; description: string }>;

export type TopicName = keyof typeof topics;

export const topicNames = Object.keys(topics) as TopicName[];

/** Where a consumer parks an event it cannot handle: `<topic>.dlq`. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** Partitions of a dead-letter topic: one; its traffic is rare and order across keys does not matter there. */
export const deadLetterPartitions = 1;

/**
 * Every topic with its dead-letter topic, as `EventLog.ensureTopics` takes
 * them. Unknown names (tests, tools) get one partition.
 * @example await log.ensureTopics(topicSpecs(["tunec.playback"]))
 */
export function topicSpecs(names: readonly string[] = topicNames): { name: string; partitions: number }[] {
  return names.flatMap((name) => [
    { name, partitions: isTopicName(name) ? topics[name].partitions : 1 },
    { name: deadLetterTopic(name), partitions: deadLetterPartitions },
  ]);
}

export function isTopicName(name: string): name is TopicName {
  return Object.hasOwn(topics, name);
}
