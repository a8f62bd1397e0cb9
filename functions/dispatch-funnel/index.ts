import '../../shared/observability/init';
import { z } from 'zod';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { boot, serve } from '../../shared/runtime';
import { isoDuration } from '../../shared/workflow/duration';
import { NAME, dispatchFunnelFunction } from './function';
import { defaultWeights } from './ranking';

const weight = (fallback: number) => z.coerce.number().min(0).max(100).default(fallback);

const { config, logger } = boot(
  NAME,
  databaseConfigSchema.extend({
    DISPATCH_WEIGHT_ZONE: weight(defaultWeights.zone),
    DISPATCH_WEIGHT_QUALITY: weight(defaultWeights.quality),
    DISPATCH_WEIGHT_LOAD: weight(defaultWeights.load),
    DISPATCH_WEIGHT_COST: weight(defaultWeights.cost),
    DISPATCH_HORIZON_DAYS: z.coerce.number().int().min(1).max(90).default(14),
    DISPATCH_OFFER_TIMEOUT: isoDuration.optional(),
  }),
);
const db = poolFromConfig(NAME, config);

const settings = {
  weights: { zone: config.DISPATCH_WEIGHT_ZONE, quality: config.DISPATCH_WEIGHT_QUALITY, load: config.DISPATCH_WEIGHT_LOAD, cost: config.DISPATCH_WEIGHT_COST },
  horizonDays: config.DISPATCH_HORIZON_DAYS,
  ...(config.DISPATCH_OFFER_TIMEOUT ? { offerTimeout: config.DISPATCH_OFFER_TIMEOUT } : {}),
};

void serve(NAME, dispatchFunnelFunction({ db, logger, settings }), { port: config.PORT, host: config.LISTEN_HOST, logger, onShutdown: () => db.end() });
