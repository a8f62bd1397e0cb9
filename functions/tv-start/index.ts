import '../../shared/observability/init';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { boot, serve } from '../../shared/runtime';
import { isoDuration } from '../../shared/workflow/duration';
import { NAME, tvStartFunction } from './function';

const { config, logger } = boot(
  NAME,
  databaseConfigSchema.extend({
    TV_SLA_DURATION: isoDuration.default('P5D'),
    TV_ANSWER_DEADLINE: isoDuration.default('P7D'),
  }),
);
const db = poolFromConfig(NAME, config);

void serve(NAME, tvStartFunction({ db, logger, settings: { slaDuration: config.TV_SLA_DURATION, answerDeadline: config.TV_ANSWER_DEADLINE } }), {
  port: config.PORT,
  host: config.LISTEN_HOST,
  logger,
  onShutdown: () => db.end(),
});
