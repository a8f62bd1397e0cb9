import type { VaultConfig } from './config';
import type { SecretCatalog, SecretListener, SecretSource } from './types';
import { vaultReason, vaultStatus } from './vault-errors';
import { VaultSession, type VaultSessionDeps } from './vault-session';

export interface VaultSecretsOptions<N extends string> extends VaultSessionDeps {
  config: VaultConfig;
  catalog: SecretCatalog<N>;
  /** false in tests: no timers; they call `refresh()` themselves. Default true. */
  schedule?: boolean;
}

/** The Vault source plus its maintenance pass, which its timer runs and tests call. */
export interface VaultSecretSource<N extends string> extends SecretSource<N> {
  /** Renews the token when due (or logs in again), then checks each KV path's version. */
  refresh(): Promise<void>;
  readonly session: VaultSession;
}

interface HeldPath {
  version: number;
  data: Record<string, unknown>;
}

/**
 * Credentials from Vault's KV v2, read at boot and kept current by polling each path's metadata
 * (`current_version`) every `VAULT_POLL_MS`: a rotated value reaches `get` and `onChange`
 * listeners without a restart. A path that cannot be read at boot throws naming the path; a Vault
 * outage later keeps the values held and logs.
 */
export async function vaultSecrets<N extends string>(options: VaultSecretsOptions<N>): Promise<VaultSecretSource<N>> {
  const { config, catalog, logger } = options;
  const session = new VaultSession(config, options);
  const mount = config.VAULT_KV_MOUNT;
  const paths = [...new Set(Object.values<{ path: string }>(catalog).map((l) => l.path))];
  const held = new Map<string, HeldPath>();
  const listeners = new Map<N, Set<SecretListener>>();

  const readPath = async (path: string, version?: number): Promise<HeldPath> => {
    const query = version === undefined ? '' : `?version=${version}`;
    const answer = (await session.client.read(`${mount}/data/${path}${query}`)) as { data: { data: Record<string, unknown>; metadata: { version: number } } };
    return { version: answer.data.metadata.version, data: answer.data.data ?? {} };
  };
  const valueOf = (name: N): string | undefined => {
    const location = Object.hasOwn(catalog, name) ? catalog[name] : undefined;
    const value = location && held.get(location.path)?.data[location.key];
    return typeof value === 'string' ? value : undefined;
  };

  await session.login();
  for (const path of paths) {
    try {
      held.set(path, await readPath(path));
    } catch (error) {
      throw new Error(`Cannot read secret ${mount}/${path} from Vault at boot (${vaultReason(error)})`, { cause: error });
    }
  }
  const absent = (Object.keys(catalog) as N[]).filter((name) => valueOf(name) === undefined);
  if (absent.length > 0) throw new Error(`Secrets missing from Vault: ${absent.map((n) => `${n} (${mount}/${catalog[n].path}#${catalog[n].key})`).join(', ')}`);

  const pollPath = async (path: string) => {
    const meta = (await session.client.read(`${mount}/metadata/${path}`)) as { data: { current_version: number } };
    const current = held.get(path);
    if (current && meta.data.current_version <= current.version) return;
    const before = new Map((Object.keys(catalog) as N[]).map((name) => [name, valueOf(name)]));
    const next = await readPath(path, meta.data.current_version);
    held.set(path, next);
    logger.info('vault secret rotated', { path: `${mount}/${path}`, version: next.version });
    for (const [name, old] of before) {
      const value = valueOf(name);
      if (value === undefined || value === old) continue;
      for (const listener of listeners.get(name) ?? []) {
        try {
          listener(value);
        } catch (error) {
          logger.error('secret listener failed', { secret: name, reason: error instanceof Error ? error.message : String(error) });
        }
      }
    }
  };

  let needsLogin = false;
  const refresh = async () => {
    try {
      if (needsLogin) await session.login();
      else await session.keepAlive();
      needsLogin = false;
      for (const path of paths) await pollPath(path);
    } catch (error) {
      // 403: the token was refused (revoked, expired early): log in on the next pass.
      if (vaultStatus(error) === 403) needsLogin = true;
      logger.warn('vault unavailable, keeping the secrets held', { reason: vaultReason(error) });
    }
  };

  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const loop = () => {
    timer = setTimeout(
      () => {
        void refresh().finally(() => (closed ? undefined : loop()));
      },
      Math.min(config.VAULT_POLL_MS, Math.max(1_000, (session.renewDueAt ?? Infinity) - (options.now ?? Date.now)())),
    );
    timer.unref();
  };
  if (options.schedule !== false) loop();

  return {
    session,
    refresh,
    get: (name) => {
      const value = valueOf(name);
      if (value === undefined) throw new Error(`Unknown secret ${name}: not in the catalog`);
      return value;
    },
    onChange: (name, listener) => {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(listener);
      return () => void set.delete(listener);
    },
    close: () => {
      closed = true;
      clearTimeout(timer);
      return Promise.resolve();
    },
  };
}
