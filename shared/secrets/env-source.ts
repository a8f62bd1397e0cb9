import type { SecretCatalog, SecretListener, SecretSource } from './types';

/**
 * The embedded default (no `VAULT_ADDR`): each credential is the environment variable of its
 * name, read once. A missing one fails at boot naming the variable, as a missing Vault path does.
 * Values never change, so listeners are kept but never called.
 */
export function envSecrets<N extends string>(catalog: SecretCatalog<N>, env: NodeJS.ProcessEnv = process.env): SecretSource<N> {
  const names = Object.keys(catalog) as N[];
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`Secrets missing from the environment: ${missing.join(', ')}`);
  const values = new Map(names.map((name) => [name, env[name]!]));
  return {
    get: (name) => {
      const value = values.get(name);
      if (value === undefined) throw new Error(`Unknown secret ${name}: not in the catalog`);
      return value;
    },
    onChange: (_name: N, _listener: SecretListener) => () => undefined,
    close: () => Promise.resolve(),
  };
}
