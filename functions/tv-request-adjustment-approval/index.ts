import '../../shared/observability/init';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { boot, serve } from '../../shared/runtime';
import { approvalConfigSchema } from './config';
import { NAME, tvRequestAdjustmentApprovalFunction } from './function';

const { config, logger } = boot(NAME, databaseConfigSchema.extend(approvalConfigSchema.shape));
const db = poolFromConfig(NAME, config);

void serve(NAME, tvRequestAdjustmentApprovalFunction({ db, logger, linkSecret: config.TV_ANSWER_LINK_SECRET, linkBaseUrl: config.TV_ANSWER_LINK_BASE_URL }), {
  port: config.PORT,
  host: config.LISTEN_HOST,
  logger,
  onShutdown: () => db.end(),
});
