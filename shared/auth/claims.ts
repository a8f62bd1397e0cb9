/**
 * From verified JWT claims to a Principal. Claim names differ between PingFederate deployments,
 * so which claim holds what is data (env `AUTH_CLAIM_MAPPING`, JSON), not code.
 */
import { z } from 'zod';
import { UnauthenticatedError } from '../errors/errors';
import { ROLES, type Principal, type Role } from './principal';

/** A claim name, or a dotted path into nested claims (`ahs.roles`, `realm_access.roles`). */
const claimPath = z.string().trim().min(1);

export const claimMappingSchema = z.strictObject({
  roles: claimPath.default('ahs.roles'),
  countries: claimPath.default('ahs.countries'),
  businessUnits: claimPath.default('ahs.business_units'),
  stores: claimPath.default('ahs.stores'),
  providerId: claimPath.default('ahs.provider_id'),
  /** The IdP's role values → our roles. Values not listed are ignored. */
  roleValues: z.record(z.string().min(1), z.enum(ROLES)).default({
    AHS_OPERATOR: 'operator',
    AHS_PROVIDER_ADMIN: 'provider-admin',
    AHS_TECHNICIAN: 'technician',
    AHS_ADMIN: 'admin',
    AHS_BU_MANAGER: 'bu-manager',
    AHS_COUNTRY_DIRECTOR: 'country-director',
  }),
});

export type ClaimMapping = z.infer<typeof claimMappingSchema>;

export const DEFAULT_CLAIM_MAPPING: ClaimMapping = Object.freeze(claimMappingSchema.parse({}));

/**
 * The env form: absent or blank → the default mapping; otherwise a JSON object whose keys
 * override the default's. One readable issue per problem, on the variable itself.
 */
export const claimMappingEnvSchema = z
  .string()
  .optional()
  .transform((raw, ctx): ClaimMapping => {
    if (raw === undefined || raw.trim() === '') return DEFAULT_CLAIM_MAPPING;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
      return z.NEVER;
    }
    const parsed = claimMappingSchema.safeParse(json);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const where = issue.path.map(String).join('.') || '(root)';
      ctx.addIssue({ code: 'custom', message: `${where}: ${issue.message}` });
    }
    return z.NEVER;
  });

/** The value at `path`: a literal claim of that name first, else a walk through nested objects. */
export function readClaim(payload: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(payload, path)) return payload[path];
  let current: unknown = payload;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A claim as a list: an array of strings, or one string split on spaces and commas. */
export function claimValues(value: unknown): string[] {
  const parts =
    typeof value === 'string'
      ? value.split(/[\s,]+/)
      : Array.isArray(value)
        ? value.filter((v): v is string => typeof v === 'string').flatMap((v) => v.split(/[\s,]+/))
        : [];
  return [...new Set(parts.filter((p) => p !== ''))];
}

function singleValue(value: unknown): string | null {
  const values = claimValues(value);
  return values.length === 1 ? (values[0] ?? null) : null;
}

/**
 * Builds the Principal. Claims of an unexpected shape count as absent and unknown role
 * values are ignored, so a surprise in the token can only narrow what the caller may do.
 */
export function mapClaims(payload: Record<string, unknown>, mapping: ClaimMapping): Principal {
  const subject = payload.sub;
  if (typeof subject !== 'string' || subject === '') {
    throw new UnauthenticatedError('token has no subject');
  }
  const roles = new Set<Role>();
  for (const value of claimValues(readClaim(payload, mapping.roles))) {
    const role = Object.hasOwn(mapping.roleValues, value) ? mapping.roleValues[value] : undefined;
    if (role) roles.add(role);
  }
  return {
    subject,
    roles: [...roles],
    scope: {
      countries: claimValues(readClaim(payload, mapping.countries)),
      businessUnits: claimValues(readClaim(payload, mapping.businessUnits)),
      stores: claimValues(readClaim(payload, mapping.stores)),
      providerId: singleValue(readClaim(payload, mapping.providerId)),
    },
  };
}
