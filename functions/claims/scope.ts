import type { Principal } from '../../shared/auth/principal';
import { isOffice } from '../../shared/auth/tenant';

/**
 * The SQL condition that keeps an office caller (operator, admin) inside their tenant: country,
 * business unit and store, as functions/wcf/scope.ts does it; anyone else sees nothing here.
 * Appends its parameters to `params` and returns the condition on the order (`o`), its business
 * unit (`bu`) and store (`s`).
 */
export function officeScope(principal: Principal, params: unknown[]): string {
  if (!isOffice(principal)) return 'FALSE';
  const conditions: string[] = [];
  const { countries, businessUnits, stores } = principal.scope;
  if (!countries.includes('*')) {
    params.push(countries);
    conditions.push(`o.country_code = ANY($${params.length}::text[])`);
  }
  if (businessUnits.length > 0) {
    params.push(businessUnits);
    conditions.push(`bu.code = ANY($${params.length}::text[])`);
  }
  if (stores.length > 0) {
    params.push(stores);
    conditions.push(`s.code = ANY($${params.length}::text[])`);
  }
  return conditions.length > 0 ? conditions.join(' AND ') : 'TRUE';
}

/** The order with its business unit and store, to scope by. */
export const ORDER_PLACE = `orders.service_orders o
  JOIN org.business_units bu ON bu.id = o.business_unit_id
  JOIN org.stores s ON s.id = o.store_id`;
