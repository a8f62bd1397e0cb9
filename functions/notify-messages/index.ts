import '../../shared/observability/init';
import { authenticatorFromEnv } from '../../shared/auth';
import { poolFromConfig } from '../../shared/db';
import { boot, serve } from '../../shared/runtime';
import { notifyMessagesConfigSchema } from './config';
import { NAME, notifyMessagesFunction } from './function';

const { config, logger } = boot(NAME, notifyMessagesConfigSchema);
const db = poolFromConfig(NAME, config);
const authenticator = authenticatorFromEnv(process.env);

void serve(NAME, notifyMessagesFunction({ db, authenticator, logger }), {
  port: config.PORT,
  host: config.LISTEN_HOST,
  logger,
  onShutdown: () => db.end(),
});
