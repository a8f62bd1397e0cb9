import '../../shared/observability/init';
import { authenticatorFromEnv } from '../../shared/auth';
import { poolFromConfig } from '../../shared/db';
import { optionalAdobeSign } from '../../shared/esign/optional';
import { objectStoreFromConfig } from '../../shared/object-storage';
import { boot, serve } from '../../shared/runtime';
import { contractsConfigSchema } from './config';
import { contractsFunction, NAME } from './function';

const { config, logger } = boot(NAME, contractsConfigSchema);
const db = poolFromConfig(NAME, config);
const authenticator = authenticatorFromEnv(process.env);
const esign = optionalAdobeSign(config, logger, 'a recall answers 503');
const documents = objectStoreFromConfig(process.env);

void serve(NAME, contractsFunction({ db, authenticator, logger, esign, documents }), {
  port: config.PORT,
  host: config.LISTEN_HOST,
  logger,
  onShutdown: () => db.end(),
});
