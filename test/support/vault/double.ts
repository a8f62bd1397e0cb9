import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VaultClock } from './clock';
import { DatabaseEngine, type DatabaseRoleSettings, type LeaseRecord } from './database';
import { notFound, readJson, send, VaultHttpError, type Json } from './http';
import { KvStore } from './kv';
import { TokenStore, type RoleSettings, type TokenRecord } from './tokens';
import { TransitEngine, type TransitKey } from './transit';

/** 'sealed': every request answers 503; 'down': every connection is dropped unanswered. */
export type VaultFailure = 'sealed' | 'down';

export interface VaultDouble {
  url: string;
  rootToken: string;
  /** The double's time; TTLs and leases count against it. */
  clock: VaultClock;
  seed: {
    kv(mount: string, path: string, data: Json): number;
    appRole(roleId: string, secretId: string, role?: RoleSettings): void;
    kubernetesRole(role: string, jwt: string, settings?: RoleSettings): void;
    databaseRole(role: string, settings?: DatabaseRoleSettings): void;
    transitKey(name: string): void;
  };
  inspect: {
    /** Every request seen, in order (method and path with query), while not failing. */
    requests: { method: string; path: string }[];
    tokens(): TokenRecord[];
    leases(): (LeaseRecord & { live: boolean })[];
    transitKey(name: string): TransitKey | undefined;
    kvVersion(mount: string, path: string): number | undefined;
  };
  /** Revokes a token (e.g. the client's, so its next renewal fails). */
  revokeToken(token: string): void;
  /** Makes the double fail until `fail(undefined)`. */
  fail(mode: VaultFailure | undefined): void;
  close(): Promise<void>;
}

const RESERVED = new Set(['auth', 'sys', 'database', 'transit']);

/**
 * A Vault HTTP API test double on 127.0.0.1 (port 0), written from developer.hashicorp.com/vault/api-docs.
 * Authentication: every request except the login endpoints carries `X-Vault-Token`
 * (api-docs "Authentication"); a missing, unknown or expired token is 403 `{"errors":["permission denied"]}`.
 */
export async function startVaultDouble(): Promise<VaultDouble> {
  const clock = new VaultClock();
  const tokens = new TokenStore(clock);
  const kv = new KvStore(clock);
  const database = new DatabaseEngine(clock);
  const transit = new TransitEngine(clock);
  kv.mount('secret');
  const requests: { method: string; path: string }[] = [];
  let failure: VaultFailure | undefined;

  const route = async (req: IncomingMessage, url: URL): Promise<Json | undefined> => {
    const method = req.method ?? 'GET';
    const write = method === 'POST' || method === 'PUT';
    const parts = url.pathname
      .replace(/^\/v1\//, '')
      .split('/')
      .map(decodeURIComponent);
    const path = parts.join('/');
    const body = write ? await readJson(req) : {};
    // Login endpoints need no token (api-docs/auth/approle, api-docs/auth/kubernetes "Login").
    if (write && path === 'auth/approle/login') return tokens.approleLogin(body);
    if (write && path === 'auth/kubernetes/login') return tokens.kubernetesLogin(body);
    const token = tokens.authenticate(req.headers['x-vault-token']);
    if (write && path === 'auth/token/renew-self') return tokens.renewSelf(token, body);
    if (method === 'GET' && path === 'auth/token/lookup-self') return tokens.lookupSelf(token);
    if ((method === 'PUT' || method === 'POST') && path === 'sys/leases/renew') return database.renew(body);
    const [mount = '', section = '', ...rest] = parts;
    const name = rest.join('/');
    if (mount === 'database' && section === 'creds' && method === 'GET' && name) return database.credentials(mount, name);
    if (mount === 'transit' && write) {
      if (section === 'encrypt') return transit.encrypt(name, body);
      if (section === 'decrypt') return transit.decrypt(name, body);
      if (section === 'rewrap') return transit.rewrap(name, body);
      if (section === 'hmac') return transit.hmac(rest[0] ?? '', body, rest[1]);
      if (section === 'keys' && rest.length === 1) return transit.create(name) && transit.describe(name);
      if (section === 'keys' && rest[1] === 'rotate') return transit.rotate(rest[0] ?? '');
      if (section === 'keys' && rest[1] === 'config') return transit.configure(rest[0] ?? '', body);
    }
    if (mount === 'transit' && section === 'keys' && method === 'GET' && rest.length === 1) return transit.describe(name);
    if (!RESERVED.has(mount) && kv.hasMount(mount) && name) {
      if (section === 'data' && method === 'GET') return kv.read(mount, name, url.searchParams);
      if (section === 'data' && write) return kv.write(mount, name, body);
      if (section === 'metadata' && method === 'GET') return kv.metadata(mount, name);
    }
    throw notFound();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    // api-docs "HTTP status codes": 503 "Vault is down for maintenance or is currently sealed".
    if (failure === 'down') return void req.socket.destroy();
    if (failure === 'sealed') return send(res, 503, { errors: ['Vault is sealed'] });
    const url = new URL(req.url ?? '/', 'http://vault.local');
    requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search });
    try {
      const answer = await route(req, url);
      // api-docs: 200 with data, 204 without.
      send(res, answer === undefined ? 204 : 200, answer);
    } catch (error) {
      if (error instanceof VaultHttpError) return send(res, error.status, { errors: error.errors, ...error.body });
      send(res, 500, { errors: [error instanceof Error ? error.message : String(error)] });
    }
  };

  const server = http.createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    rootToken: tokens.rootToken,
    clock,
    seed: {
      kv: (mount, path, data) => kv.put(mount, path, data),
      appRole: (roleId, secretId, role) => tokens.seedAppRole(roleId, secretId, role),
      kubernetesRole: (role, jwt, settings) => tokens.seedKubernetesRole(role, jwt, settings),
      databaseRole: (role, settings) => database.seedRole(role, settings),
      transitKey: (name) => void transit.create(name),
    },
    inspect: {
      requests,
      tokens: () => [...tokens.tokens.values()],
      leases: () => [...database.leases.values()].map((lease) => ({ ...lease, live: database.isLive(lease) })),
      transitKey: (name) => transit.keys.get(name),
      kvVersion: (mount, path) => kv.currentVersion(mount, path),
    },
    revokeToken: (token) => tokens.revoke(token),
    fail: (mode) => void (failure = mode),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
