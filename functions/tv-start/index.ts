import '../../shared/observability/init';
import { z } from 'zod';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { boot, serve } from '../../shared/runtime';
import { isDuration } from '../../shared/workflow/duration';
import { NAME, tvStartFunction } from './function';

const duration = (fallback: string) =>
  z.string().refine(isDuration, { error: 'must be an ISO 8601 duration such as P5D or PT72H' }).default(fallback);

const { config, logger } = boot(
  NAME,
  databaseConfigSchema.extend({
    TV_SLA_DURATION: duration('P5D'),
    TV_ANSWER_DEADLINE: duration('P7D'),
  }),
);
const db = poolFromConfig(NAME, config);

void serve(NAME, tvStartFunction({ db, logger, settings: { slaDuration: config.TV_SLA_DURATION, answerDeadline: config.TV_ANSWER_DEADLINE } }), {
  port: config.PORT,
  logger,
  onShutdown: () => db.end(),
});
