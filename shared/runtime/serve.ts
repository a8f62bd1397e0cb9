import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import * as functions from '@google-cloud/functions-framework';
// getTestServer builds the framework's own Express server (the same getServer its CLI
// uses) for a registered function; a bundle has no CLI to load it, so it listens itself.
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { Logger } from '../logging';

export type RequestHandler = functions.HttpFunction;

const DECLARED_TYPE = 'x-ahs-declared-content-type';

/**
 * Functions read their own bodies from `req.rawBody`: the CloudEvents SDK parses events, the
 * HTTP wrapper parses JSON and names what is wrong. functions-framework's body parsers would
 * otherwise answer an HTML 400 before the function runs — and a dead letter sink must keep
 * even an event whose data is not JSON. So every body reaches the framework as
 * `application/octet-stream` (kept raw) and its declared type is restored for the function.
 */
function keepBodiesRaw(server: Server): Server {
  const [app] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (!app) return server;
  // Answers are API JSON, never cached by validators: no weak ETag hashed over every body, no
  // X-Powered-By banner (express's defaults).
  const settings = app as unknown as { set?: (name: string, value: unknown) => void };
  settings.set?.('etag', false);
  settings.set?.('x-powered-by', false);
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const type = req.headers['content-type'];
    if (type !== undefined) {
      req.headers[DECLARED_TYPE] = type;
      req.headers['content-type'] = 'application/octet-stream';
    }
    app(req, res);
  });
  return server;
}

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
  functions.http(name, (req, res) => {
    const declared = req.headers[DECLARED_TYPE];
    if (typeof declared === 'string') {
      req.headers['content-type'] = declared;
      delete req.headers[DECLARED_TYPE];
    }
    return handler(req, res) as unknown;
  });
  const server = keepBodiesRaw(getTestServer(name));
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
