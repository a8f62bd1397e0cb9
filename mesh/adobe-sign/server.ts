import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agreements, SandboxRefusal } from './agreements';
import { adobeError, apiRoute, type Answer } from './api';
import { Chaos } from './chaos';
import { signingRoute } from './signing-page';
import { SandboxState, type Credentials } from './state';
import { Webhooks, type DeliverySettings } from './webhooks';

export interface AdobeSignSandboxOptions {
  /** 0 (default): any free port. */
  port?: number;
  /** The JSON file the state is kept in; none: memory only. */
  stateFile?: string;
  /** The API application's credentials; made once (and kept in the state file) unless given. */
  credentials?: Partial<Credentials>;
  /** Lifetime of the access tokens the refresh grant issues, seconds (Adobe: 3600). */
  tokenLifetimeSeconds?: number;
  delivery?: Partial<DeliverySettings>;
  /** Operational lines (never an email address). */
  log?: (line: string) => void;
}

export interface AdobeSignSandbox {
  url: string;
  credentials: Credentials;
  state: SandboxState;
  chaos: Chaos;
  webhooks: Webhooks;
  agreements: Agreements;
  close(): Promise<void>;
}

const API = '/api/rest/v6';

/**
 * An Adobe Acrobat Sign stand-in for the local mesh (what the dev OpenID provider is to
 * PingFederate): the REST v6 subset `shared/esign` uses (`/oauth/v2/refresh`, `/api/rest/v6/...`,
 * `baseUris` pointing at itself), webhooks as Adobe sends them, the signing page of the links it
 * "emails" (`/sign/{token}`), and a control API for the mesh, the inbox and tests:
 *
 *   GET  /_sandbox                  client id, counts, webhooks, chaos settings
 *   GET  /_sandbox/messages         the mail and SMS sent (`?agreementId=`, `?to=`)
 *   GET  /_sandbox/deliveries       every notification and what became of it
 *   GET  /_sandbox/chaos, POST /_sandbox/chaos {duplicate, reorder, reorderWindowMs, throttle: {count, retryAfterSeconds}, notExposed}
 */
export async function startAdobeSignSandbox(options: AdobeSignSandboxOptions = {}): Promise<AdobeSignSandbox> {
  const log = options.log ?? (() => undefined);
  const state = SandboxState.load(options.stateFile, options.credentials);
  const chaos = new Chaos();
  const webhooks = new Webhooks(state, chaos, { retryBaseDelayMs: 1000, maxAttempts: 12, timeoutMs: 5000, ...options.delivery }, log);
  let url = '';
  const agreements = new Agreements(state, {
    now: () => new Date(),
    notify: (agreement, event, { participantEmail, actingUserEmail, actingUserIpAddress, participantRole, actionType } = {}) =>
      webhooks.notify(
        agreement,
        event,
        { participantUserEmail: participantEmail, actingUserEmail, actingUserIpAddress, participantRole, actionType },
        new Date(),
      ),
    log,
  });
  const tokens = new Map<string, { clientId: string; expiresAt: number }>();
  const lifetime = options.tokenLifetimeSeconds ?? 3600;
  const ctx = { state, agreements, webhooks, chaos, tokens, lifetime };

  const server: Server = createServer((req, res) => {
    void serve(ctx, req, res).catch((error: unknown) => {
      log(`sandbox error: ${error instanceof Error ? error.message : String(error)}`);
      send(res, adobeError(500, 'MISC_SERVER_ERROR', 'Some miscellaneous error has occurred'));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    credentials: state.data.credentials,
    state,
    chaos,
    webhooks,
    agreements,
    close: async () => {
      agreements.stop();
      webhooks.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Context {
  state: SandboxState;
  agreements: Agreements;
  webhooks: Webhooks;
  chaos: Chaos;
  tokens: Map<string, { clientId: string; expiresAt: number }>;
  lifetime: number;
}

async function serve(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const contentType = req.headers['content-type'] ?? '';
  try {
    send(res, await route(ctx, { req, method, url, contentType, body }));
  } catch (error) {
    if (error instanceof SandboxRefusal) return send(res, adobeError(error.status, error.code, error.message));
    if (error instanceof RangeError) return send(res, { status: 400, body: { error: 'invalid_request', message: error.message } });
    throw error;
  }
}

async function route(ctx: Context, r: { req: IncomingMessage; method: string; url: URL; contentType: string; body: Buffer }): Promise<Answer> {
  const { pathname } = r.url;
  if (pathname === '/oauth/v2/refresh' && r.method === 'POST') return refresh(ctx, r.contentType, r.body);
  if (pathname.startsWith('/sign/')) {
    const [token = '', ...rest] = pathname.slice('/sign/'.length).split('/');
    const form = r.contentType.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(r.body.toString('utf8')) : new URLSearchParams();
    const ip = r.req.socket.remoteAddress?.replace(/^::ffff:/, '');
    return signingRoute(ctx, { method: r.method, token, rest: rest.join('/'), accept: r.req.headers.accept ?? '', form, ip });
  }
  if (pathname === '/_sandbox' || pathname.startsWith('/_sandbox/')) {
    return control(ctx, { method: r.method, path: pathname.slice('/_sandbox'.length), query: r.url.searchParams, body: r.body, origin: origin(r.req) });
  }
  if (pathname !== API && !pathname.startsWith(`${API}/`)) return adobeError(404, 'NOT_FOUND', 'Resource not found');
  const throttled = ctx.chaos.throttled();
  if (throttled) {
    const { retryAfterSeconds } = throttled;
    const answer = adobeError(429, 'THROTTLING_TOO_MANY_REQUESTS', `Too many requests: retry after ${retryAfterSeconds} seconds`);
    return { ...answer, body: { ...(answer.body as object), retryAfter: retryAfterSeconds }, headers: { 'retry-after': String(retryAfterSeconds) } };
  }
  const caller = authorized(ctx, r.req.headers.authorization);
  if (!caller) return adobeError(401, 'INVALID_ACCESS_TOKEN', 'Access token provided is invalid or has expired');
  const path = pathname.slice(API.length);
  const self = origin(r.req);
  if (path === '/baseUris' && r.method === 'GET') return { status: 200, body: { apiAccessPoint: `${self}/`, webAccessPoint: `${self}/` } };
  return apiRoute({ ...ctx, clientId: caller, origin: self }, { method: r.method, path, query: r.url.searchParams, contentType: r.contentType, body: r.body });
}

/** The OAuth refresh-token grant, as Adobe answers it (errors as `{error, error_description}`). */
function refresh(ctx: Context, contentType: string, body: Buffer): Answer {
  const oauth = (status: number, error: string, description: string): Answer => ({ status, body: { error, error_description: description } });
  if (!contentType.startsWith('application/x-www-form-urlencoded')) return oauth(400, 'invalid_request', 'application/x-www-form-urlencoded expected');
  const form = new URLSearchParams(body.toString('utf8'));
  const { clientId, clientSecret, refreshToken } = ctx.state.data.credentials;
  if (form.get('grant_type') !== 'refresh_token') return oauth(400, 'unsupported_grant_type', 'grant_type must be refresh_token');
  if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) return oauth(401, 'invalid_client', 'Invalid client credentials');
  if (form.get('refresh_token') !== refreshToken) return oauth(400, 'invalid_grant', 'Invalid refresh token');
  const token = `3AAABL${randomBytes(24).toString('base64url')}`;
  ctx.tokens.set(token, { clientId, expiresAt: Date.now() + ctx.lifetime * 1000 });
  return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: ctx.lifetime } };
}

/** The API application of a valid, unexpired bearer token. */
function authorized(ctx: Context, header: string | undefined): string | undefined {
  const token = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
  const issued = token ? ctx.tokens.get(token) : undefined;
  if (!token || !issued) return undefined;
  if (Date.now() >= issued.expiresAt) {
    ctx.tokens.delete(token);
    return undefined;
  }
  return issued.clientId;
}

/** This server as the caller reached it. */
const origin = (req: IncomingMessage) => `http://${req.headers.host ?? '127.0.0.1'}`;

interface ControlRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: Buffer;
  origin: string;
}

function control(ctx: Context, { method, path, query, body, origin }: ControlRequest): Answer {
  const { data } = ctx.state;
  if (path === '' && method === 'GET') {
    const webhooks = data.webhooks.map((w) => ({ id: w.id, name: w.name, state: w.state, url: w.url, events: w.events }));
    return { status: 200, body: { clientId: data.credentials.clientId, agreements: Object.keys(data.agreements).length, webhooks, chaos: ctx.chaos.settings } };
  }
  if (path === '/chaos' && method === 'GET') return { status: 200, body: ctx.chaos.settings };
  if (path === '/chaos' && method === 'POST') return { status: 200, body: ctx.chaos.change(parseJson(body)) };
  if (path === '/messages' && method === 'GET') {
    const agreementId = query.get('agreementId');
    const to = query.get('to');
    const messages = data.messages
      .filter((m) => (!agreementId || m.agreementId === agreementId) && (!to || m.to.toLowerCase() === to.toLowerCase()))
      .map((m) => (m.link ? { ...m, link: `${origin}${m.link}` } : m));
    return { status: 200, body: { messages } };
  }
  if (path === '/deliveries' && method === 'GET') return { status: 200, body: { deliveries: ctx.webhooks.deliveries } };
  return { status: 404, body: { error: 'not_found', message: 'GET /_sandbox, /_sandbox/messages, /_sandbox/deliveries; GET or POST /_sandbox/chaos' } };
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8') || '{}');
  } catch {
    throw new RangeError('the body is not JSON');
  }
}

function send(res: ServerResponse, answer: Answer): void {
  if (res.headersSent) return void res.end();
  const binary = answer.body instanceof Uint8Array;
  const payload = binary || typeof answer.body === 'string' ? answer.body : answer.body === undefined ? undefined : JSON.stringify(answer.body);
  const type = binary ? 'application/pdf' : typeof answer.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json;charset=UTF-8';
  res.writeHead(answer.status, { ...(payload === undefined ? {} : { 'content-type': type }), 'cache-control': 'no-store', ...answer.headers });
  res.end(payload);
}
