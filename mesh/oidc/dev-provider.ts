/**
 * The embedded default identity provider (DESIGN.md §4): oidc-provider on plain HTTP, for local
 * runs and tests only. Every seeded user (users.ts) is a confidential client; its
 * client-credentials grant, with `resource` = the audience, returns an RS256 JWT access token
 * carrying the user's subject and claims. Keys are generated at start and live in memory.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import type { Logger } from '../../shared/logging';
import { DEV_CLIENT_SECRET, DEV_USERS, isDevUserName } from './users';

export interface DevOidcProviderOptions {
  port: number;
  host?: string;
  /** Resource indicator(s) tokens may be issued for; the first is the default. */
  audience: string | readonly string[];
  tokenTtlSec?: number;
  /** Where the provider's server errors go; silent otherwise. */
  logger?: Logger;
}

export interface DevOidcProvider {
  issuer: string;
  close(): Promise<void>;
}

/** The slice of oidc-provider 9 used here (the package ships no types). */
interface OidcProviderModule {
  default: new (
    issuer: string,
    configuration: object,
  ) => {
    callback(): http.RequestListener;
    on(event: 'server_error', listener: (ctx: unknown, error: unknown) => void): void;
  };
  errors: { InvalidTarget: new (description?: string) => Error };
}

interface IssuedToken {
  clientId: string;
}

/** Loads oidc-provider at start (never at module scope), without its "unsupported runtime" notice on Node 20. */
async function loadOidcProvider(): Promise<OidcProviderModule> {
  const specifier = 'oidc-provider'; // a variable: keeps bundlers out, and the package is untyped
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).includes('oidc-provider WARNING')) warn(...args);
  };
  try {
    return (await import(specifier)) as OidcProviderModule;
  } finally {
    console.warn = warn;
  }
}

async function signingKeys(): Promise<{ keys: object[] }> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { keys: [{ ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' }] };
}

/** Static clients and stateless (JWT) tokens: nothing to persist. */
const nothing = () => Promise.resolve(undefined);
const statelessAdapter = () => ({
  upsert: nothing,
  find: nothing,
  findByUid: nothing,
  findByUserCode: nothing,
  consume: nothing,
  destroy: nothing,
  revokeByGrantId: nothing,
});

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function configuration(audiences: string[], ttl: number, jwks: object, errors: OidcProviderModule['errors']) {
  return {
    adapter: statelessAdapter,
    jwks,
    clients: Object.keys(DEV_USERS).map((name) => ({
      client_id: name,
      client_secret: DEV_CLIENT_SECRET,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx: unknown, _client: unknown, oneOf?: string) => Promise.resolve(oneOf ?? audiences[0]),
        getResourceServerInfo: (_ctx: unknown, resource: string) =>
          audiences.includes(resource)
            ? Promise.resolve({ scope: '', audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: ttl, jwt: { sign: { alg: 'RS256' } } })
            : Promise.reject(new errors.InvalidTarget('unknown resource indicator')),
      },
    },
    ttl: { ClientCredentials: ttl },
    extraTokenClaims: (_ctx: unknown, token: IssuedToken) => Promise.resolve(isDevUserName(token.clientId) ? DEV_USERS[token.clientId].claims : undefined),
    formats: {
      customizers: {
        jwt: (_ctx: unknown, token: IssuedToken, jwt: { payload: Record<string, unknown> }) => {
          if (isDevUserName(token.clientId)) jwt.payload.sub = DEV_USERS[token.clientId].sub;
        },
      },
    },
  };
}

export async function startDevOidcProvider(options: DevOidcProviderOptions): Promise<DevOidcProvider> {
  const host = options.host ?? '127.0.0.1';
  const audiences = typeof options.audience === 'string' ? [options.audience] : [...options.audience];
  const ttl = options.tokenTtlSec ?? 3600;
  const [{ default: Provider, errors }, jwks] = await Promise.all([loadOidcProvider(), signingKeys()]);

  let handle: http.RequestListener = (_req, res) => res.writeHead(503).end(); // until configured
  const server = http.createServer((req, res) => handle(req, res));
  const port = await listen(server, options.port, host); // the issuer needs the port (0 = ephemeral)
  const issuer = `http://${host}:${port}`;
  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });

  try {
    const provider = new Provider(issuer, configuration(audiences, ttl, jwks, errors));
    provider.on('server_error', (_ctx, error) => options.logger?.error('dev OIDC provider error', { error }));
    handle = provider.callback();
  } catch (error) {
    await close();
    throw error;
  }
  return { issuer, close };
}
