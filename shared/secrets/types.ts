/** Where a named credential lives in Vault's KV v2: a path under the KV mount and a key of its data. */
export interface SecretLocation {
  path: string;
  key: string;
}

/**
 * The credentials a function uses, by name. The name is also the environment variable the
 * embedded default reads, e.g. `{ TWILIO_AUTH_TOKEN: { path: 'notify/twilio', key: 'auth_token' } }`.
 */
export type SecretCatalog<N extends string = string> = Record<N, SecretLocation>;

export type SecretListener = (value: string) => void;

/** Named credentials, held in memory; a rotated value reaches `get` and the listeners without a restart. */
export interface SecretSource<N extends string = string> {
  /** The value held now. Never throws for an outage: the last value read is kept. */
  get(name: N): string;
  /** Called with the new value each time the credential changes; returns an unsubscribe function. */
  onChange(name: N, listener: SecretListener): () => void;
  close(): Promise<void>;
}
