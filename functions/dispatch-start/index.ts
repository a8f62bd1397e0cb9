import '../../shared/observability/init';
import { z } from 'zod';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { boot, serve } from '../../shared/runtime';
import { isDuration } from '../../shared/workflow/duration';
import { NAME, dispatchStartFunction } from './function';

const { config, logger } = boot(
  NAME,
  databaseConfigSchema.extend({
    DISPATCH_ASSIGNMENT_HOLD: z.string().refine(isDuration, { error: 'must be an ISO 8601 duration such as P30D' }).default('P30D'),
  }),
);
const db = poolFromConfig(NAME, config);

void serve(NAME, dispatchStartFunction({ db, logger, settings: { assignmentHold: config.DISPATCH_ASSIGNMENT_HOLD } }), {
  port: config.PORT,
  logger,
  onShutdown: () => db.end(),
});
