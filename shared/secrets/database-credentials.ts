import type { VaultSession } from './vault-session';

/** Renew a lease at 2/3 of what it has left, as the session renews its token. */
const RENEW_AT = 2 / 3;

/** Dynamic Postgres credentials from Vault's database secrets engine and their lease, on the caller's clock. */
export interface DatabaseLease {
  /** The Vault role the credentials were issued for (one per function). */
  role: string;
  leaseId: string;
  username: string;
  password: string;
  /** The TTL asked at each renewal, seconds: the lease_duration first granted. */
  ttlSeconds: number;
  /** When the lease was issued or last renewed, ms since the epoch. */
  heldSince: number;
  /** When Vault revokes the credentials unless renewed, ms since the epoch. */
  expiresAt: number;
  /** false once Vault cannot extend it further: not renewable, or a renewal capped by the max TTL. */
  extendable: boolean;
  renewals: number;
}

interface LeaseAnswer {
  lease_id?: string;
  lease_duration?: number;
  renewable?: boolean;
  data?: { username?: unknown; password?: unknown };
}

/**
 * `GET /v1/{mount}/creds/{role}` (api-docs/secret/databases "Generate credentials"): a new
 * user, password and lease. node-vault's `generateDatabaseCredentials` needs `databasePath`.
 */
export async function issueDatabaseCredentials(session: VaultSession, mount: string, role: string, now: number): Promise<DatabaseLease> {
  const answer = (await session.client.generateDatabaseCredentials({ databasePath: mount, name: role })) as LeaseAnswer;
  const { username, password } = answer.data ?? {};
  if (typeof username !== 'string' || typeof password !== 'string' || !answer.lease_id) {
    throw new Error(`Vault answered ${mount}/creds/${role} without a username, password and lease`);
  }
  const ttlSeconds = answer.lease_duration ?? 0;
  return {
    role,
    leaseId: answer.lease_id,
    username,
    password,
    ttlSeconds,
    heldSince: now,
    expiresAt: now + ttlSeconds * 1000,
    extendable: answer.renewable === true && ttlSeconds > 0,
    renewals: 0,
  };
}

/**
 * `PUT /v1/sys/leases/renew {lease_id, increment}` (api-docs/system/leases "Renew lease"). Vault
 * caps the new duration at the role's max TTL without an error; a duration shorter than the
 * increment asked means the cap is reached, so the lease cannot be extended again (the rule
 * Vault's own LifetimeWatcher applies). Returns the lease as renewed.
 */
export async function renewDatabaseLease(session: VaultSession, lease: DatabaseLease, now: number): Promise<DatabaseLease> {
  const answer = (await session.client.renew({ lease_id: lease.leaseId, increment: lease.ttlSeconds })) as LeaseAnswer;
  const granted = answer.lease_duration ?? 0;
  return {
    ...lease,
    heldSince: now,
    expiresAt: now + granted * 1000,
    extendable: answer.renewable !== false && granted >= lease.ttlSeconds,
    renewals: lease.renewals + 1,
  };
}

/** When the next renewal is due: 2/3 of the time left, and never inside the switch window. */
export function renewalDueAt(lease: DatabaseLease, renewBeforeMs: number): number {
  const atTwoThirds = lease.heldSince + (lease.expiresAt - lease.heldSince) * RENEW_AT;
  return Math.min(atTwoThirds, lease.expiresAt - renewBeforeMs);
}

/** When new credentials are fetched for a lease that cannot be extended: `renewBeforeMs` before its end. */
export function switchDueAt(lease: DatabaseLease, renewBeforeMs: number): number {
  return lease.expiresAt - renewBeforeMs;
}

/** The connection string with the lease's user and password in it (the configured one has none). */
export function withCredentials(connectionString: string, lease: Pick<DatabaseLease, 'username' | 'password'>): string {
  const url = new URL(connectionString);
  url.username = encodeURIComponent(lease.username);
  url.password = encodeURIComponent(lease.password);
  return url.toString();
}
