import { randomBytes } from 'node:crypto';
import type { VaultClock } from './clock';
import { asInt, asString, badRequest, permissionDenied, type Json } from './http';

export interface TokenRecord {
  id: string;
  accessor: string;
  policies: string[];
  /** The TTL a renewal grants when no increment is asked, seconds; 0 = never expires (root). */
  ttl: number;
  maxTtl: number;
  renewable: boolean;
  issuedAt: number;
  expiresAt: number | undefined;
  /** How it was obtained: 'root', 'approle', 'kubernetes'. */
  method: string;
  renewals: number;
}

export interface RoleSettings {
  policies?: string[];
  /** token_ttl, seconds (default 3600). */
  ttl?: number;
  /** token_max_ttl, seconds (default 24 h). */
  maxTtl?: number;
}

interface AppRole extends Required<RoleSettings> {
  secretIds: Set<string>;
}
interface KubernetesRole extends Required<RoleSettings> {
  jwts: Set<string>;
}

const settings = (s: RoleSettings): Required<RoleSettings> => ({ policies: s.policies ?? ['default'], ttl: s.ttl ?? 3600, maxTtl: s.maxTtl ?? 86_400 });
const id = (prefix: string) => `${prefix}.${randomBytes(18).toString('base64url')}`;

/** Tokens and the two auth methods the functions use. */
export class TokenStore {
  readonly tokens = new Map<string, TokenRecord>();
  readonly rootToken: string;
  private readonly appRoles = new Map<string, AppRole>();
  private readonly kubernetesRoles = new Map<string, KubernetesRole>();

  constructor(private readonly clock: VaultClock) {
    this.rootToken = id('hvs');
    this.tokens.set(this.rootToken, this.record(this.rootToken, 'root', { policies: ['root'], ttl: 0, maxTtl: 0 }));
  }

  seedAppRole(roleId: string, secretId: string, role: RoleSettings = {}): void {
    const existing = this.appRoles.get(roleId);
    if (existing) existing.secretIds.add(secretId);
    else this.appRoles.set(roleId, { ...settings(role), secretIds: new Set([secretId]) });
  }

  seedKubernetesRole(role: string, jwt: string, settingsOf: RoleSettings = {}): void {
    const existing = this.kubernetesRoles.get(role);
    if (existing) existing.jwts.add(jwt);
    else this.kubernetesRoles.set(role, { ...settings(settingsOf), jwts: new Set([jwt]) });
  }

  /** The live token behind an `X-Vault-Token` header, or 403 (api-docs "Authentication"). */
  authenticate(header: string | string[] | undefined): TokenRecord {
    const token = typeof header === 'string' ? this.tokens.get(header) : undefined;
    if (!token || (token.expiresAt !== undefined && token.expiresAt <= this.clock.now())) throw permissionDenied();
    return token;
  }

  /** Makes a token unusable now (tests: "the token was revoked behind the client's back"). */
  revoke(tokenId: string): void {
    this.tokens.delete(tokenId);
  }

  /**
   * POST /v1/auth/approle/login {role_id, secret_id}. Source: api-docs/auth/approle "Login with
   * AppRole"; an unknown role_id answers 400 "invalid role ID", a wrong secret_id 400 "invalid secret id".
   */
  approleLogin(body: Json): Json {
    const role = this.appRoles.get(asString(body.role_id) ?? '');
    if (!role) throw badRequest('invalid role ID');
    if (!role.secretIds.has(asString(body.secret_id) ?? '')) throw badRequest('invalid secret id');
    return this.login('approle', role, { role_id: asString(body.role_id) });
  }

  /**
   * POST /v1/auth/kubernetes/login {role, jwt}. Source: api-docs/auth/kubernetes "Login"; an unknown
   * role answers 400 `invalid role name "…"`, a JWT the TokenReview refuses 403 permission denied.
   */
  kubernetesLogin(body: Json): Json {
    const name = asString(body.role) ?? '';
    const role = this.kubernetesRoles.get(name);
    if (!role) throw badRequest(`invalid role name "${name}"`);
    if (!role.jwts.has(asString(body.jwt) ?? '')) throw permissionDenied();
    return this.login('kubernetes', role, { role: name, service_account_name: 'default' });
  }

  /**
   * POST /v1/auth/token/renew-self {increment?}. Source: api-docs/auth/token "Renew a token (self)":
   * the answer is an `auth` block with the new lease_duration, capped by the max TTL.
   */
  renewSelf(token: TokenRecord, body: Json): Json {
    if (!token.renewable || token.expiresAt === undefined) throw badRequest('lease is not renewable');
    const now = this.clock.now();
    const increment = asInt(body.increment) ?? token.ttl;
    const cap = token.issuedAt + token.maxTtl * 1000;
    token.expiresAt = Math.min(now + increment * 1000, cap);
    token.renewals += 1;
    return { auth: this.authBlock(token, {}) };
  }

  /** GET /v1/auth/token/lookup-self. Source: api-docs/auth/token "Lookup a token (self)": `ttl` counts down. */
  lookupSelf(token: TokenRecord): Json {
    const ttl = token.expiresAt === undefined ? 0 : Math.max(0, Math.round((token.expiresAt - this.clock.now()) / 1000));
    return {
      data: {
        accessor: token.accessor,
        creation_time: Math.floor(token.issuedAt / 1000),
        creation_ttl: token.ttl,
        display_name: token.method,
        expire_time: token.expiresAt === undefined ? null : new Date(token.expiresAt).toISOString(),
        explicit_max_ttl: 0,
        id: token.id,
        issue_time: new Date(token.issuedAt).toISOString(),
        meta: null,
        num_uses: 0,
        orphan: true,
        path: `auth/${token.method}/login`,
        policies: token.policies,
        renewable: token.renewable,
        ttl,
        type: 'service',
      },
    };
  }

  private login(method: string, role: Required<RoleSettings>, metadata: Record<string, string | undefined>): Json {
    const token = this.record(id('hvs'), method, role);
    this.tokens.set(token.id, token);
    return { auth: this.authBlock(token, metadata) };
  }

  private record(tokenId: string, method: string, role: Required<RoleSettings>): TokenRecord {
    const now = this.clock.now();
    return {
      id: tokenId,
      accessor: randomBytes(12).toString('base64url'),
      policies: role.policies,
      ttl: role.ttl,
      maxTtl: role.maxTtl,
      renewable: role.ttl > 0,
      issuedAt: now,
      expiresAt: role.ttl > 0 ? now + role.ttl * 1000 : undefined,
      method,
      renewals: 0,
    };
  }

  private authBlock(token: TokenRecord, metadata: Json): Json {
    const leaseDuration = token.expiresAt === undefined ? 0 : Math.round((token.expiresAt - this.clock.now()) / 1000);
    return {
      client_token: token.id,
      accessor: token.accessor,
      policies: token.policies,
      token_policies: token.policies,
      metadata,
      lease_duration: leaseDuration,
      renewable: token.renewable,
      entity_id: '',
      token_type: 'service',
      orphan: true,
    };
  }
}
