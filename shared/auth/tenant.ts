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
 * lists, is officeTenantSql.
 */
export function withinTenant(principal: Principal, place: TenantPlace): boolean {
  const { countries, businessUnits, stores } = principal.scope;
  if (!countries.includes('*') && !(place.country && countries.includes(place.country))) return false;
  if (businessUnits.length > 0 && !(place.businessUnit && businessUnits.includes(place.businessUnit))) return false;
  if (stores.length > 0 && !(place.store && stores.includes(place.store))) return false;
  return true;
}

/** The order, its business unit and store, joined as officeTenantSql's default aliases expect. */
export const ORDER_PLACE = `orders.service_orders o
  JOIN org.business_units bu ON bu.id = o.business_unit_id
  JOIN org.stores s ON s.id = o.store_id`;

/**
 * withinTenant as SQL, for an office caller (operator, admin): the condition on the order's country
 * (`o`), its business unit's code (`bu`) and store's code (`s`), or other aliases; 'FALSE' for
 * anyone else. Appends its parameters to `params`.
 */
export function officeTenantSql(
  principal: Principal,
  params: unknown[],
  alias: { order: string; businessUnit: string; store: string } = { order: 'o', businessUnit: 'bu', store: 's' },
): string {
  if (!isOffice(principal)) return 'FALSE';
  const conditions: string[] = [];
  const { countries, businessUnits, stores } = principal.scope;
  if (!countries.includes('*')) {
    params.push(countries);
    conditions.push(`${alias.order}.country_code = ANY($${params.length}::text[])`);
  }
  if (businessUnits.length > 0) {
    params.push(businessUnits);
    conditions.push(`${alias.businessUnit}.code = ANY($${params.length}::text[])`);
  }
  if (stores.length > 0) {
    params.push(stores);
    conditions.push(`${alias.store}.code = ANY($${params.length}::text[])`);
  }
  return conditions.length > 0 ? conditions.join(' AND ') : 'TRUE';
}
