import type { Server } from 'node:http';
import * as functions from '@google-cloud/functions-framework';
// getTestServer builds the framework's own Express server (the same getServer its CLI
// uses) for a registered function; a bundle has no CLI to load it, so it listens itself.
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { Logger } from '../logging';

export type RequestHandler = functions.HttpFunction;

export interface ServeOptions {
  port: number;
  logger: Logger;
  /** Closes what the function opened (pools, producers), after in-flight requests finish. */
  onShutdown?: () => Promise<void>;
  /** Exit the process after shutdown (true in a bundle, false in tests). */
  exitOnShutdown?: boolean;
}

/**
 * Registers the handler with functions-framework under the function's name (its
 * K_SERVICE) and serves it on PORT, as a Knative revision runs it. SIGTERM drains and exits.
 */
export function serve(name: string, handler: RequestHandler, options: ServeOptions): Promise<Server> {
  functions.http(name, handler);
  const server = getTestServer(name);
  server.keepAliveTimeout = 65_000;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    options.logger.info('shutting down', { signal });
    server.close(() => {
      void (options.onShutdown?.() ?? Promise.resolve())
        .catch((error: unknown) => options.logger.error('shutdown failed', { error }))
        .finally(() => {
          if (options.exitOnShutdown ?? true) process.exit(0);
        });
    });
    server.closeIdleConnections();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, () => {
      options.logger.info('function listening', { function: name, port: options.port });
      resolve(server);
    });
  });
}
