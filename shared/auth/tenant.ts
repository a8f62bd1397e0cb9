import type { Principal } from './principal';

/** Operators and admins: the office, scoped by country / business unit / store (providers are scoped by provider). */
export const isOffice = (principal: Principal): boolean => principal.roles.includes('operator') || principal.roles.includes('admin');

/** Where something belongs in the Country → Business Unit → Store hierarchy (null: not known). */
export interface TenantPlace {
  country: string | null;
  businessUnit: string | null;
  store: string | null;
}

/**
 * Whether something at `place` is within an office caller's tenant: the country (unless '*'),
 * then the business unit and store restrictions when the caller has any. Something whose place
 * is unknown at a level the caller is restricted to is outside. The SQL form of this rule, for
 * lists, is functions/service-orders/scope.ts.
 */
export function withinTenant(principal: Principal, place: TenantPlace): boolean {
  const { countries, businessUnits, stores } = principal.scope;
  if (!countries.includes('*') && !(place.country && countries.includes(place.country))) return false;
  if (businessUnits.length > 0 && !(place.businessUnit && businessUnits.includes(place.businessUnit))) return false;
  if (stores.length > 0 && !(place.store && stores.includes(place.store))) return false;
  return true;
}
