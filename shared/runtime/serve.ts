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
function keepBodiesRaw(server: Server, run: RequestHandler): Server {
  const [app] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (!app) return server;
  handPathsExpressCannotDecode(app, run);
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

/**
 * Express decodes the framework's `/{*splat}` route parameter before anything runs, and
 * answers a malformed percent-encoding (`/orders/%E0%A4%A`) with an HTML 400 and a stack
 * trace. Such a request goes to the function instead (without a parsed body: it needs
 * none), whose edge answers it as any request: JSON, naming the path (shared/http/route.ts).
 */
function handPathsExpressCannotDecode(app: unknown, run: RequestHandler): void {
  const express = app as {
    use?: (handler: (error: unknown, req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1], next: (error?: unknown) => void) => void) => void;
  };
  express.use?.((error, req, res, next) => {
    if (error instanceof URIError && (error as { status?: number }).status === 400 && !res.headersSent) return void Promise.resolve(run(req, res)).catch(next);
    next(error);
  });
}

/**
 * functions-framework runs every request inside a `node:domain` (a deprecated module), so that
 * a callback-style function's stray throw still answers 500. Our edges (shared/http,
 * shared/event-function, the worker edge) answer every failure of the promise they return, so
 * the domain has nothing to catch; yet while a request runs inside it, every async resource
 * the request creates is bound to it — the pool's sockets opened during a request stay bound
 * to that request's domain, and every later callback on them enters and leaves it. Measured by
 * `npm run bench:mobile` (the function profile: domain enter/exit, exception-capture
 * switching), that bookkeeping cost the function about a sixth of its throughput. So a
 * request leaves the domain as it starts. An error nothing handles then ends the process, as
 * in any Node server, and Knative starts a new container.
 */
function leaveRequestDomain(): void {
  (process as unknown as { domain?: { exit(): void } | null }).domain?.exit();
}

export interface ServeOptions {
  port: number;
  /**
   * The interface to listen on: `config.LISTEN_HOST` of boot(), which the local mesh sets to
   * 127.0.0.1; undefined listens on every interface, as a Knative container must.
   */
  host: string | undefined;
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
  const run: RequestHandler = (req, res) => {
    leaveRequestDomain();
    const declared = req.headers[DECLARED_TYPE];
    if (typeof declared === 'string') {
      req.headers['content-type'] = declared;
      delete req.headers[DECLARED_TYPE];
    }
    try {
      return handler(req, res) as unknown;
    } catch (error) {
      // Outside the domain a synchronous throw would be uncaught: hand it to the framework's
      // rejection handler (a 500), as a throw inside an async handler is.
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };
  functions.http(name, run);
  const server = keepBodiesRaw(getTestServer(name), run);
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
  if (options.exitOnShutdown ?? true) {
    // Nothing catches it (requests run outside the framework's domain): one log line, then the
    // process ends and Knative starts a new container.
    process.once('uncaughtException', (error) => {
      options.logger.error('uncaught exception: the function stops', { error });
      process.exit(1);
    });
  }
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      options.logger.info('function listening', { function: name, port: options.port, host: options.host ?? 'every interface' });
      resolve(server);
    });
  });
}
