import type { Principal } from '../../shared/auth/principal';
import { withinTenant, type TenantPlace } from '../../shared/auth/tenant';

/** Where a piece of work belongs in the Country → Business Unit → Store hierarchy. */
export type WorkScope = TenantPlace;

/** The candidate group every operator task carries (bpmn/: `["operators", "country:<CC>", ...]`). */
export const OPERATORS_GROUP = 'operators';

const PREFIX = { country: 'country:', businessUnit: 'bu:', store: 'store:' } as const;

/** Reads a task's scope from its candidate groups (`country:<CC>`, `bu:<BU>`, `store:<store>`). */
export function scopeFromGroups(groups: readonly string[]): WorkScope {
  const find = (prefix: string) => groups.find((g) => g.startsWith(prefix))?.slice(prefix.length) || null;
  return { country: find(PREFIX.country), businessUnit: find(PREFIX.businessUnit), store: find(PREFIX.store) };
}

/** Reads a process instance's scope from its `country` / `businessUnit` / `store` variables. */
export function scopeFromVariables(variables: Record<string, unknown>): WorkScope {
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return { country: text(variables.country), businessUnit: text(variables.businessUnit), store: text(variables.store) };
}

/** True when the caller may see the caller-unrestricted parts of everything (HQ). */
export function seesEverything(principal: Principal): boolean {
  const { countries, businessUnits, stores } = principal.scope;
  return countries.includes('*') && businessUnits.length === 0 && stores.length === 0;
}

/** Whether work of `scope` is within the caller's tenant (the one rule, shared/auth/tenant.ts). */
export const withinScope = withinTenant;

/**
 * The candidate groups to search to find the caller's tasks: the narrowest level the caller
 * is restricted to (stores, else business units, else countries), so a one-BU operator's page
 * is not filled by the rest of the country's tasks; `operators` for an unrestricted caller.
 * Results are still checked with withinScope (a BU code says nothing of its country).
 */
export function searchGroups(principal: Principal): string[] {
  const { countries, businessUnits, stores } = principal.scope;
  if (stores.length > 0) return stores.map((s) => `${PREFIX.store}${s}`);
  if (businessUnits.length > 0) return businessUnits.map((b) => `${PREFIX.businessUnit}${b}`);
  if (!countries.includes('*')) return countries.map((c) => `${PREFIX.country}${c}`);
  return [OPERATORS_GROUP];
}
