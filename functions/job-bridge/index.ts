import '../../shared/observability/init';
import { boot, serve } from '../../shared/runtime';
import { startJobBridge } from './bridge';
import { bridgeConfigProblems, bridgeConfigSchema } from './config';
import { jobBridgeFunction, NAME } from './function';

const { config, logger } = boot(NAME, bridgeConfigSchema, bridgeConfigProblems);
let bridge: ReturnType<typeof startJobBridge> | undefined;

// The workers start once the function answers its readiness probe: nothing delays readiness.
void serve(
  NAME,
  jobBridgeFunction(
    () => bridge?.status() ?? { engine: 'none', taskTypes: [], dispatched: 0, completed: 0, errored: 0, failed: 0, rejected: 0, lastFailure: null },
  ),
  {
    port: config.PORT,
    host: config.LISTEN_HOST,
    logger,
    onShutdown: async () => {
      await bridge?.close();
    },
  },
).then(() => {
  bridge = startJobBridge(config, logger);
});
