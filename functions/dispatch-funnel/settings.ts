import type { Weights } from './ranking';

export interface FunnelSettings {
  /** Ranking weights (DISPATCH_WEIGHT_ZONE, _QUALITY, _LOAD, _COST). */
  weights: Weights;
  /** Days ahead searched for capacity when the order has no open requested window (DISPATCH_HORIZON_DAYS). */
  horizonDays: number;
  /** Overrides every policy's offer timeout, ISO 8601 duration (DISPATCH_OFFER_TIMEOUT; tests, demos). */
  offerTimeout?: string;
}

export interface FunnelDeps {
  settings: FunnelSettings;
  clock?: () => Date;
}
