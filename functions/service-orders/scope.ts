import type { Principal } from '../../shared/auth/principal';
import { isOffice, officeTenantSql } from '../../shared/auth/tenant';

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
  return officeTenantSql(principal, params, alias);
}
