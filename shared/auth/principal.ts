/**
 * Who is calling, as every HTTP function sees it after the bearer token is verified.
 * Roles and tenant scope come from token claims through a configurable mapping
 * (shared/auth/claims.ts), since claim names differ between PingFederate deployments.
 *
 * `bu-manager` and `country-director` are approval authority on top of office work: a manager's
 * token carries `operator` too, and the manager roles only let them approve refunds above the
 * operator's limit (bpmn/user-tasks.ts userTaskApprovalLevels, shared/domain/claim-rules.ts).
 */
export const ROLES = ['operator', 'provider-admin', 'technician', 'admin', 'bu-manager', 'country-director'] as const;
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

export function hasAnyRole(principal: Principal, roles: readonly Role[]): boolean {
  return roles.some((r) => principal.roles.includes(r));
}

/** Verifies an `Authorization` header value; throws UnauthenticatedError when it cannot. */
export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<Principal>;
}
