import '../../shared/observability/init';
import { z } from 'zod';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { answerLinkSecretSchema } from '../../shared/domain/tv-answer-token';
import { boot, serve } from '../../shared/runtime';
import { NAME, tvRequestAdjustmentApprovalFunction } from './function';

const { config, logger } = boot(
  NAME,
  databaseConfigSchema.extend({
    TV_ANSWER_LINK_SECRET: answerLinkSecretSchema,
    TV_ANSWER_LINK_BASE_URL: z.url(),
  }),
);
const db = poolFromConfig(NAME, config);

void serve(
  NAME,
  tvRequestAdjustmentApprovalFunction({ db, logger, linkSecret: config.TV_ANSWER_LINK_SECRET, linkBaseUrl: config.TV_ANSWER_LINK_BASE_URL }),
  { port: config.PORT, host: config.LISTEN_HOST, logger, onShutdown: () => db.end() },
);
