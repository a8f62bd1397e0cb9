/**
 * Who is calling, as every HTTP function sees it after the bearer token is verified.
 * Roles and tenant scope come from token claims through a configurable mapping
 * (shared/auth/claims.ts), since claim names differ between PingFederate deployments.
 */
export const ROLES = ['operator', 'provider-admin', 'technician', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface TenantScope {
  /** ISO country codes the caller may see; `['*']` for every country (HQ). */
  countries: string[];
  /** Business unit codes; empty = every BU of the countries above. */
  businessUnits: string[];
  /** Store codes; empty = every store of the BUs / countries above. */
  stores: string[];
  /** Set for provider staff: they see only their provider's work. */
  providerId: string | null;
}

export interface Principal {
  subject: string;
  roles: Role[];
  scope: TenantScope;
}

export interface ScopedResource {
  countryCode: string;
  businessUnitCode: string;
  storeCode: string;
}

/** True when the resource lies inside the caller's country / BU / store scope. */
export function inTenantScope(scope: TenantScope, resource: ScopedResource): boolean {
  const countryOk = scope.countries.includes('*') || scope.countries.includes(resource.countryCode);
  const buOk = scope.businessUnits.length === 0 || scope.businessUnits.includes(resource.businessUnitCode);
  const storeOk = scope.stores.length === 0 || scope.stores.includes(resource.storeCode);
  return countryOk && buOk && storeOk;
}

export function hasAnyRole(principal: Principal, roles: readonly Role[]): boolean {
  return roles.some((r) => principal.roles.includes(r));
}

/** Verifies an `Authorization` header value; throws UnauthenticatedError when it cannot. */
export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<Principal>;
}
