import { randomBytes } from 'node:crypto';
import type { VaultClock } from './clock';
import { asInt, asString, badRequest, envelope, type Json } from './http';

export interface DatabaseRoleSettings {
  /** default_ttl, seconds (default 3600). */
  ttl?: number;
  /** max_ttl, seconds (default 24 h). */
  maxTtl?: number;
}

export interface LeaseRecord {
  leaseId: string;
  role: string;
  username: string;
  password: string;
  issuedAt: number;
  expiresAt: number;
  maxExpiresAt: number;
  renewals: number;
}

/**
 * The database secrets engine's dynamic credentials and their leases. Sources:
 * developer.hashicorp.com/vault/api-docs/secret/databases "Generate credentials" and
 * developer.hashicorp.com/vault/api-docs/system/leases "Renew lease".
 */
export class DatabaseEngine {
  private readonly roles = new Map<string, Required<DatabaseRoleSettings>>();
  readonly leases = new Map<string, LeaseRecord>();

  constructor(private readonly clock: VaultClock) {}

  seedRole(role: string, settings: DatabaseRoleSettings = {}): void {
    this.roles.set(role, { ttl: settings.ttl ?? 3600, maxTtl: settings.maxTtl ?? 86_400 });
  }

  /** The lease is live at the double's current time (a lapsed lease's user is gone from Postgres). */
  isLive(lease: LeaseRecord): boolean {
    return lease.expiresAt > this.clock.now();
  }

  /**
   * GET /v1/:mount/creds/:role → `lease_id` (`:mount/creds/:role/<id>`), `lease_duration`,
   * `renewable`, `data {username, password}`. An unknown role answers 400 "unknown role: …".
   */
  credentials(mount: string, role: string): Json {
    const settings = this.roles.get(role);
    if (!settings) throw badRequest(`unknown role: ${role}`);
    const now = this.clock.now();
    const lease: LeaseRecord = {
      leaseId: `${mount}/creds/${role}/${randomBytes(12).toString('base64url')}`,
      role,
      username: `v-approle-${role}-${randomBytes(10).toString('hex')}-${Math.floor(now / 1000)}`,
      password: randomBytes(15).toString('base64url'),
      issuedAt: now,
      expiresAt: now + settings.ttl * 1000,
      maxExpiresAt: now + settings.maxTtl * 1000,
      renewals: 0,
    };
    this.leases.set(lease.leaseId, lease);
    return envelope({
      lease_id: lease.leaseId,
      lease_duration: settings.ttl,
      renewable: true,
      data: { username: lease.username, password: lease.password },
    });
  }

  /**
   * PUT /v1/sys/leases/renew {lease_id, increment} → the lease with its new `lease_duration`,
   * capped at the role's max TTL. A lease that is unknown or has lapsed answers 400 "lease not found".
   */
  renew(body: Json): Json {
    const leaseId = asString(body.lease_id) ?? '';
    const lease = this.leases.get(leaseId);
    if (!lease || !this.isLive(lease)) throw badRequest('lease not found');
    const settings = this.roles.get(lease.role)!;
    const now = this.clock.now();
    const increment = asInt(body.increment) ?? settings.ttl;
    lease.expiresAt = Math.min(now + increment * 1000, lease.maxExpiresAt);
    lease.renewals += 1;
    return envelope({ lease_id: lease.leaseId, renewable: lease.expiresAt < lease.maxExpiresAt, lease_duration: Math.round((lease.expiresAt - now) / 1000) });
  }
}
