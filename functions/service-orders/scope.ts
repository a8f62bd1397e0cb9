import type { Principal } from '../../shared/auth/principal';
import { isOffice } from '../../shared/auth/tenant';

/**
 * The SQL condition that keeps a caller inside their tenant: operators and admins by
 * country / business unit / store, provider staff by the orders assigned to their provider.
 * Appends its parameters to `params` and returns the condition.
 */
export function scopeCondition(
  principal: Principal,
  params: unknown[],
  alias: { order: string; businessUnit: string; store: string } = { order: 'o', businessUnit: 'bu', store: 's' },
): string {
  if (!isOffice(principal)) {
    if (!principal.scope.providerId) return 'FALSE';
    params.push(principal.scope.providerId);
    return `${alias.order}.provider_id = $${params.length}`;
  }
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
