/**
 * The explainable score of an eligible provider: a weighted mean of four parts, each in 0..1
 * (cost may pass 1 for a provider cheaper than the reference tariff, up to 2):
 * - zone: 1 / the priority of the provider's zone that covers the postal code (home zone = 1);
 * - quality: the provider's quality score;
 * - load: 1 / (1 + its live assignments), so busy providers come after idle ones;
 * - cost: 1 / its cost index (1.0 = the country's reference tariff).
 * The explanation stored with each candidate and offer holds the facts, the parts and the weights.
 */
export interface Weights {
  zone: number;
  quality: number;
  load: number;
  cost: number;
}

export const defaultWeights: Weights = { zone: 0.35, quality: 0.35, load: 0.2, cost: 0.1 };

export interface ProviderFacts {
  providerId: string;
  zonePrefix: string;
  zonePriority: number;
  qualityScore: number;
  liveAssignments: number;
  costIndex: number;
  /** The provider's technicians with the skills and free capacity in the window. */
  technicianIds: string[];
}

export interface Explanation {
  facts: Omit<ProviderFacts, 'providerId'>;
  parts: Weights;
  weights: Weights;
  score: number;
  /** Why the provider was put first whatever its score (dispatch.preferences, e.g. 'claim-expert-policy'). */
  preferred?: string;
}

export interface RankedCandidate {
  providerId: string;
  rank: number;
  score: number;
  explanation: Explanation;
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;

export function scoreOf(facts: ProviderFacts, weights: Weights): Explanation {
  const parts: Weights = {
    zone: round(1 / facts.zonePriority),
    quality: round(facts.qualityScore),
    load: round(1 / (1 + facts.liveAssignments)),
    cost: round(Math.min(2, 1 / facts.costIndex)),
  };
  const total = weights.zone + weights.quality + weights.load + weights.cost;
  const sum = parts.zone * weights.zone + parts.quality * weights.quality + parts.load * weights.load + parts.cost * weights.cost;
  const { providerId: _id, ...rest } = facts;
  return { facts: rest, parts, weights, score: total > 0 ? round(sum / total) : 0 };
}

/** Best first; equal scores by provider id, so a ranking is repeatable. */
export function rank(candidates: ProviderFacts[], weights: Weights): RankedCandidate[] {
  return candidates
    .map((facts) => ({ providerId: facts.providerId, explanation: scoreOf(facts, weights) }))
    .sort((a, b) => b.explanation.score - a.explanation.score || a.providerId.localeCompare(b.providerId))
    .map((c, i) => ({ providerId: c.providerId, rank: i + 1, score: c.explanation.score, explanation: c.explanation }));
}

/**
 * The ranking with one provider put first whatever its score (dispatch.preferences: a claim's
 * expert visit offered to the provider of the claimed work), when it is eligible at all; the
 * others keep their order. Unchanged when the preferred provider is not among the candidates.
 */
export function preferProvider(ranked: RankedCandidate[], preference: { providerId: string; reason: string } | undefined): RankedCandidate[] {
  const chosen = preference && ranked.find((c) => c.providerId === preference.providerId);
  if (!chosen || !preference) return ranked;
  return [{ ...chosen, explanation: { ...chosen.explanation, preferred: preference.reason } }, ...ranked.filter((c) => c !== chosen)].map((c, i) => ({
    ...c,
    rank: i + 1,
  }));
}
