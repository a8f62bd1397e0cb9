import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { DatabaseRoleSettings } from './database';
import type { VaultDouble } from './double';
import type { Json } from './http';

/**
 * A role's SQL, as Vault's PostgreSQL plugin takes it (api-docs/secret/databases/postgresql
 * "Create role": `creation_statements`, `renew_statements`, `revocation_statements`), with
 * `{{name}}`, `{{password}}` and `{{expiration}}` replaced.
 */
export interface PostgresRoleStatements {
  creation: string[];
  /** The plugin's default: extend the role's validity to the lease's new end. */
  renew?: string[];
  /** Default: drop what the role owns and its privileges here, then the role. */
  revocation?: string[];
}

const DEFAULT_RENEW = [`ALTER ROLE "{{name}}" VALID UNTIL '{{expiration}}'`];
const DEFAULT_REVOCATION = [`DROP OWNED BY "{{name}}"`, `DROP ROLE IF EXISTS "{{name}}"`];

export interface PostgresDatabaseEngine {
  /** The Vault address clients use: the double, with the role's SQL run on real Postgres. */
  url: string;
  /** `vault.seed.databaseRole` plus the statements Vault runs for it. */
  seedRole(role: string, settings: DatabaseRoleSettings & { statements: PostgresRoleStatements }): void;
  /** Vault's expiration manager: runs the revocation statements of every lease lapsed on the double's clock. */
  revokeLapsed(): Promise<string[]>;
  /** Revokes every user it created, then stops. */
  close(): Promise<void>;
}

/**
 * The double's database secrets engine made real: a front on 127.0.0.1 that passes every request to
 * the double unchanged and, on `GET /v1/<mount>/creds/<role>`, runs the role's creation statements
 * on Postgres (`adminUrl`, a role allowed to CREATE ROLE) before answering — as Vault does before it
 * returns the credentials (a failure answers 500 with the plugin's error) —, its renew statements on
 * `PUT /v1/sys/leases/renew`, and its revocation statements once a lease has lapsed (checked on each
 * request Vault answers and by `revokeLapsed()`). A front rather than a hook inside the double,
 * whose DatabaseEngine has no place to plug one.
 */
export async function postgresDatabaseEngine(vault: VaultDouble, adminUrl: string): Promise<PostgresDatabaseEngine> {
  const admin = new pg.Pool({ connectionString: adminUrl, max: 2 });
  admin.on('error', () => undefined);
  const statements = new Map<string, PostgresRoleStatements>();
  /** username → its role's statements, while not yet revoked. */
  const created = new Map<string, { role: string; leaseId: string }>();

  const run = async (sql: string[], values: { name: string; password?: string; expiration?: number }) => {
    const text = (s: string) =>
      s
        .replaceAll('{{name}}', values.name)
        .replaceAll('{{password}}', values.password ?? '')
        .replaceAll('{{expiration}}', values.expiration === undefined ? 'infinity' : new Date(values.expiration).toISOString());
    const client = await admin.connect();
    try {
      await client.query('BEGIN');
      for (const s of sql) await client.query(text(s));
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  const revoke = async (username: string) => {
    const entry = created.get(username);
    if (!entry) return;
    created.delete(username);
    await run(statements.get(entry.role)?.revocation ?? DEFAULT_REVOCATION, { name: username });
  };
  const revokeLapsed = async () => {
    const lapsed = vault.inspect.leases().filter((lease) => !lease.live && created.has(lease.username));
    for (const lease of lapsed) await revoke(lease.username);
    return lapsed.map((lease) => lease.username);
  };

  /** What the plugin does for an answer the double gave; returns an error answer when its SQL fails. */
  const apply = async (method: string, path: string, answer: Json): Promise<string | undefined> => {
    const creds = /^\/v1\/([^/?]+)\/creds\/([^?]+)$/.exec(path);
    const role = creds ? decodeURIComponent(creds[2] ?? '') : '';
    const leaseOf = (id: unknown) => vault.inspect.leases().find((lease) => lease.leaseId === id);
    try {
      if (method === 'GET' && creds && statements.has(role)) {
        const lease = leaseOf(answer.lease_id);
        if (!lease) return undefined;
        await run(statements.get(role)!.creation, { name: lease.username, password: lease.password, expiration: lease.expiresAt });
        created.set(lease.username, { role, leaseId: lease.leaseId });
      } else if (path === '/v1/sys/leases/renew') {
        const lease = leaseOf(answer.lease_id);
        const entry = lease && created.get(lease.username);
        if (lease && entry) await run(statements.get(entry.role)?.renew ?? DEFAULT_RENEW, { name: lease.username, expiration: lease.expiresAt });
      }
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    return undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const method = req.method ?? 'GET';
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string' && !['host', 'connection', 'content-length'].includes(e[0])),
    );
    let upstream: Response;
    try {
      upstream = await fetch(vault.url + (req.url ?? '/'), { method, headers, body: chunks.length > 0 ? Buffer.concat(chunks) : undefined });
    } catch {
      return void req.socket.destroy(); // the double dropped the connection ('down'): so does the front
    }
    const text = await upstream.text();
    if (upstream.status !== 503) await revokeLapsed().catch(() => undefined);
    if (upstream.status === 200) {
      const failure = await apply(method, req.url ?? '', JSON.parse(text) as Json);
      if (failure) return void res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [failure] }));
    }
    res.writeHead(upstream.status, { 'Content-Type': upstream.headers.get('content-type') ?? 'application/json' }).end(text);
  };

  const server = http.createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    seedRole: (role, { statements: sql, ...settings }) => {
      statements.set(role, sql);
      vault.seed.databaseRole(role, settings);
    },
    revokeLapsed,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const username of [...created.keys()]) await revoke(username).catch(() => undefined);
      await admin.end();
    },
  };
}
