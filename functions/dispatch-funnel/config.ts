import { z } from 'zod';
import { isoDuration } from '../../shared/workflow/duration';
import { defaultWeights, type Weights } from './ranking';

const weight = (fallback: number) => z.coerce.number().min(0).max(100).default(fallback);

/** What dispatch-funnel reads from its environment beyond the database settings. */
export const funnelConfigSchema = z.object({
  DISPATCH_WEIGHT_ZONE: weight(defaultWeights.zone),
  DISPATCH_WEIGHT_QUALITY: weight(defaultWeights.quality),
  DISPATCH_WEIGHT_LOAD: weight(defaultWeights.load),
  DISPATCH_WEIGHT_COST: weight(defaultWeights.cost),
  DISPATCH_HORIZON_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  DISPATCH_OFFER_TIMEOUT: isoDuration.optional(),
});
export type FunnelConfig = z.infer<typeof funnelConfigSchema>;

export interface FunnelSettings {
  /** Ranking weights (DISPATCH_WEIGHT_ZONE, _QUALITY, _LOAD, _COST). */
  weights: Weights;
  /** Days ahead searched for capacity when the order has no open requested window (DISPATCH_HORIZON_DAYS). */
  horizonDays: number;
  /** Overrides every policy's offer timeout, ISO 8601 duration (DISPATCH_OFFER_TIMEOUT; tests, demos). */
  offerTimeout?: string;
}

export function funnelSettings(config: FunnelConfig): FunnelSettings {
  return {
    weights: {
      zone: config.DISPATCH_WEIGHT_ZONE,
      quality: config.DISPATCH_WEIGHT_QUALITY,
      load: config.DISPATCH_WEIGHT_LOAD,
      cost: config.DISPATCH_WEIGHT_COST,
    },
    horizonDays: config.DISPATCH_HORIZON_DAYS,
    ...(config.DISPATCH_OFFER_TIMEOUT ? { offerTimeout: config.DISPATCH_OFFER_TIMEOUT } : {}),
  };
}

export interface FunnelDeps {
  settings: FunnelSettings;
  clock?: () => Date;
}
