import type { Principal } from '../../shared/auth/principal';
import { isOffice, withinTenant } from '../../shared/auth/tenant';
import type { VisitRow } from './queries';

/**
 * Who sees a visit: operators and admins within their tenant scope (country / business unit /
 * store of the order); a provider admin when the visit is assigned to their provider (or, not
 * assigned yet, when the order is); the technician the visit is assigned to.
 */
export function canSee(principal: Principal, v: VisitRow): boolean {
  return (
    (isOffice(principal) && withinTenant(principal, { country: v.country_code, businessUnit: v.business_unit_code, store: v.store_code })) ||
    (principal.roles.includes('provider-admin') && isProvidersVisit(principal, v)) ||
    (principal.roles.includes('technician') && v.technician_subject === principal.subject)
  );
}

export function isProvidersVisit(p: Principal, v: VisitRow): boolean {
  const own = p.scope.providerId;
  if (!own) return false;
  return v.provider_id === own || (v.provider_id === null && v.order_provider_id === own);
}
