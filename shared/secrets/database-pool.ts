import type pg from 'pg';
import type { Db, DbClient } from '../db/pool';
import { RetryableError } from '../errors';
import type { Logger } from '../logging';
import { issueDatabaseCredentials, renewalDueAt, renewDatabaseLease, switchDueAt, type DatabaseLease } from './database-credentials';
import { DatabaseGeneration, type GenerationStats } from './database-generation';
import { vaultReason, vaultStatus } from './vault-errors';
import type { VaultSession } from './vault-session';

export interface VaultDatabasePoolOptions {
  /** The function's Vault role under the database secrets engine (least privilege: its schemas only). */
  role: string;
  /** Host, port and database; no user or password (they come from Vault). */
  connectionString: string;
  /** Matched to the function's Knative containerConcurrency, as `createPool`'s. */
  max: number;
  /** How long before a lease that cannot be extended ends the pool switches to new credentials, ms. */
  renewBeforeMs: number;
  logger: Logger;
  /** Milliseconds since the epoch; tests pass the Vault double's clock. */
  clock?: () => number;
  /** The database secrets engine's mount (default `database`). */
  mount?: string;
  applicationName?: string;
  /** false in tests: no timers; they call `refresh()` themselves. Default true. */
  schedule?: boolean;
}

export interface VaultDatabasePoolStats {
  role: string;
  /** The pool new checkouts go to, then the pools draining before they end. */
  current: (GenerationStats & { lease: Omit<DatabaseLease, 'password'> }) | undefined;
  draining: GenerationStats[];
}

export type VaultDatabasePool = Db & {
  /** Renews the lease when due, or switches to new credentials; never throws. Its timer runs it; tests call it. */
  refresh(): Promise<void>;
  /** Fetches the first credentials now (a boot check); rejects naming the role. */
  ready(): Promise<void>;
  stats(): VaultDatabasePoolStats;
  /** Ends every pool, the current one and those draining. */
  close(): Promise<void>;
};

/** SQLSTATE class 28 (invalid authorization): the credentials were revoked behind the pool's back. */
const isAuthFailure = (error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('28');
};

/**
 * A `Db` (the interface `createPool` returns) whose credentials come from Vault's database secrets
 * engine. The lease is renewed at 2/3 of what it has left while Vault extends it; once it cannot be
 * (max TTL reached, renewal refused), new credentials are fetched `renewBeforeMs` before its end and
 * a new pg pool takes every new checkout, while the old one ends only when its checked-out clients
 * are released: a transaction in flight commits on its own connection. A Vault outage keeps the
 * pool held until its lease ends; after that `connect` and `query` reject with a RetryableError
 * naming the role.
 */
export function vaultDatabasePool(session: VaultSession, options: VaultDatabasePoolOptions): VaultDatabasePool {
  const { role, logger, renewBeforeMs } = options;
  const mount = options.mount ?? 'database';
  const now = options.clock ?? Date.now;
  let current: DatabaseGeneration | undefined;
  const draining = new Set<DatabaseGeneration>();
  let closed = false;
  let switching: Promise<void> | undefined;
  let pass: Promise<void> | undefined;
  let lastFailure = '';
  let needsLogin = false;
  /** Once credentials were issued, only the maintenance pass asks Vault again (no request storms an outage). */
  let issued = false;

  const retire = (generation: DatabaseGeneration) => {
    draining.add(generation);
    void generation.retire().then(() => draining.delete(generation));
  };

  /** New credentials and a new pool for every new checkout; single flight. Throws when Vault cannot issue them. */
  const switchCredentials = (): Promise<void> =>
    (switching ??= (async () => {
      try {
        // A session built at module scope (index.ts) has not logged in yet: the first credentials do it.
        if (needsLogin || !session.client.token) await session.login();
        needsLogin = false;
        const lease = await issueDatabaseCredentials(session, mount, role, now());
        const previous = current;
        current = new DatabaseGeneration(lease, options);
        issued = true;
        if (closed) return void current.retire();
        logger.info('database credentials issued', { role, username: lease.username, ttl: lease.ttlSeconds });
        if (previous) retire(previous);
      } catch (error) {
        if (vaultStatus(error) === 403) needsLogin = true;
        lastFailure = vaultReason(error);
        throw error;
      } finally {
        switching = undefined;
      }
    })());

  const expired = () => new RetryableError(`database credentials for Vault role ${role} have expired and Vault cannot issue new ones (${lastFailure})`);

  /** The generation new checkouts go to; fetches the first credentials on first use. */
  const live = async (): Promise<DatabaseGeneration> => {
    if (closed) throw new Error(`the database pool for Vault role ${role} is closed`);
    if (!current && !issued) {
      try {
        await switchCredentials();
      } catch (error) {
        throw new RetryableError(`no database credentials for Vault role ${role} (${vaultReason(error)})`, { cause: error });
      }
    }
    if (!current || now() >= current.lease.expiresAt) throw expired();
    return current;
  };

  /** After an authentication failure the credentials are gone: switch now rather than at the lease's end. */
  const onFailure = (error: unknown): never => {
    if (isAuthFailure(error)) switchCredentials().catch(() => undefined);
    throw error;
  };

  const maintain = async () => {
    if (closed) return;
    try {
      await session.keepAlive();
    } catch (error) {
      logger.warn('vault token renewal failed', { role, reason: vaultReason(error) });
    }
    try {
      if (current && now() >= current.lease.expiresAt) {
        // Revoked by Vault now: its connections must not outlive the lease.
        logger.error('database credentials expired, answering retryable errors until Vault issues new ones', { role, username: current.lease.username });
        retire(current);
        current = undefined;
      }
      if (!current) return await switchCredentials();
      // The generation this pass works on: a switch made meanwhile (after an auth failure) is not overwritten.
      const held = current;
      let renewalFailed = false;
      let gone = false;
      if (held.lease.extendable && now() >= renewalDueAt(held.lease, renewBeforeMs)) {
        try {
          held.lease = await renewDatabaseLease(session, held.lease, now());
          logger.debug('database lease renewed', { role, extendable: held.lease.extendable });
        } catch (error) {
          renewalFailed = true;
          // 400: the lease is gone (revoked, lapsed), switch now; 403: the token was refused; an outage may pass.
          gone = vaultStatus(error) === 400;
          if (vaultStatus(error) === 403) needsLogin = true;
          if (gone) held.lease = { ...held.lease, extendable: false };
          logger.warn('database lease renewal failed', { role, reason: vaultReason(error) });
        }
      }
      const switchDue = (!held.lease.extendable || renewalFailed) && now() >= switchDueAt(held.lease, renewBeforeMs);
      if (held === current && (gone || switchDue)) await switchCredentials();
    } catch (error) {
      logger.warn('vault unavailable, keeping the database credentials held', { role, reason: vaultReason(error), expiresAt: current?.lease.expiresAt });
    }
  };
  const refresh = () => (pass ??= maintain().finally(() => (pass = undefined)));

  let timer: NodeJS.Timeout | undefined;
  const loop = () => {
    const lease = current?.lease;
    const due = lease ? Math.min(lease.extendable ? renewalDueAt(lease, renewBeforeMs) : Infinity, switchDueAt(lease, renewBeforeMs)) : now();
    timer = setTimeout(() => void refresh().finally(() => (closed ? undefined : loop())), Math.min(60_000, Math.max(1_000, due - now())));
    timer.unref();
  };
  if (options.schedule !== false) loop();

  const query = async (...args: unknown[]) => {
    const generation = await live();
    return generation.query(args).catch(onFailure);
  };
  const connect = async (): Promise<DbClient> => {
    const generation = await live();
    return generation.connect().catch(onFailure);
  };
  const close = async () => {
    closed = true;
    clearTimeout(timer);
    await switching?.catch(() => undefined);
    const all = [...draining, ...(current ? [current] : [])];
    await Promise.all(all.map((generation) => generation.end()));
  };

  return {
    query: query as unknown as pg.Pool['query'],
    connect: connect as pg.Pool['connect'],
    end: close,
    close,
    refresh,
    ready: async () => {
      try {
        await live();
      } catch (error) {
        throw new Error(`Cannot obtain database credentials for Vault role ${role} at ${mount}/creds/${role}: ${(error as Error).message}`, { cause: error });
      }
    },
    stats: () => {
      const { password: _password, ...lease } = current?.lease ?? ({} as DatabaseLease);
      return { role, current: current && { ...current.stats(), lease }, draining: [...draining].map((generation) => generation.stats()) };
    },
  };
}
