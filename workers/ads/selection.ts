/**
 * Which campaign and creative an eligible listener gets: the highest priority
 * wins outright, then the most specific targeting (a campaign that asked for
 * this genre or language beats a run-of-network one at the same priority),
 * then a draw weighted by `weight`, so equal campaigns share traffic.
 */

export interface Weighted {
  weight: number;
}

export interface CampaignCandidate extends Weighted {
  id: string;
  priority: number;
  /** How many targeting dimensions (genre, language) the campaign restricts and this request met. */
  specificity: number;
}

/** `random` returns [0, 1) like Math.random; tests pass a fixed one. */
export type Random = () => number;

/** One item drawn with probability weight / total; undefined for an empty list. */
export function weightedPick<T extends Weighted>(items: readonly T[], random: Random): T | undefined {
  const total = items.reduce((sum, item) => sum + Math.max(0, item.weight), 0);
  if (total <= 0) return items[0];
  let ticket = random() * total;
  for (const item of items) {
    ticket -= Math.max(0, item.weight);
    if (ticket < 0) return item;
  }
  return items.at(-1);
}

export function chooseCampaign<T extends CampaignCandidate>(candidates: readonly T[], random: Random): T | undefined {
  const [first] = candidates;
  if (!first) return undefined;
  const top = candidates.reduce(
    (best, c) => (c.priority > best.priority || (c.priority === best.priority && c.specificity > best.specificity) ? c : best),
    first,
  );
  // Sorted by id so that a fixed `random` picks the same campaign whatever order the database returned.
  const tier = candidates.filter((c) => c.priority === top.priority && c.specificity === top.specificity).sort((a, b) => a.id.localeCompare(b.id));
  return weightedPick(tier, random);
}
