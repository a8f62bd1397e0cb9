/**
 * The dev OpenID provider's seeded users. Each one is a confidential client (client_id = the
 * user name, secret DEV_CLIENT_SECRET) whose client-credentials access token carries the user's
 * subject and claims, in the format of the DEFAULT claim mapping (shared/auth/claims.ts).
 */

/** Development only: the dev provider never runs in production. */
export const DEV_CLIENT_SECRET = 'dev-only-secret';

export const DEV_PROVIDER_ID = '11111111-1111-4111-8111-111111111111';
/** A second Madrid provider, and a Lyon one (seeded in dispatch.providers), for authorization checks. */
export const DEV_PROVIDER_B_ID = '22222222-2222-4222-8222-222222222222';
export const DEV_PROVIDER_FR_ID = '33333333-3333-4333-8333-333333333333';

export interface DevUser {
  /** The token subject (`sub`). */
  sub: string;
  /** Extra access-token claims. */
  claims: Record<string, unknown>;
}

export const DEV_USERS = {
  'operator-es': {
    sub: 'op-es-0001',
    claims: { ahs: { roles: ['AHS_OPERATOR'], countries: ['ES'] } },
  },
  'operator-fr': {
    sub: 'op-fr-0001',
    claims: { ahs: { roles: ['AHS_OPERATOR'], countries: ['FR'] } },
  },
  'operator-it': {
    sub: 'op-it-0001',
    claims: { ahs: { roles: ['AHS_OPERATOR'], countries: ['IT'] } },
  },
  'operator-pl': {
    sub: 'op-pl-0001',
    claims: { ahs: { roles: ['AHS_OPERATOR'], countries: ['PL'] } },
  },
  // An operator of one business unit only (Rhône-Alpes), to see BU scoping.
  'operator-fr-rhone': {
    sub: 'op-fr-0002',
    claims: { ahs: { roles: ['AHS_OPERATOR'], countries: ['FR'], business_units: ['FR-RHONE-ALPES'] } },
  },
  // The approvers of refunds above the operator's limit (claims): a Madrid BU manager and the
  // Spanish country director, both operators too.
  'bu-manager-es': {
    sub: 'bum-es-0001',
    claims: { ahs: { roles: ['AHS_OPERATOR', 'AHS_BU_MANAGER'], countries: ['ES'], business_units: ['ES-CENTRO'] } },
  },
  'country-director-es': {
    sub: 'cd-es-0001',
    claims: { ahs: { roles: ['AHS_OPERATOR', 'AHS_COUNTRY_DIRECTOR'], countries: ['ES'] } },
  },
  'provider-admin': {
    sub: 'padmin-0001',
    claims: { ahs: { roles: ['AHS_PROVIDER_ADMIN'], countries: ['ES'], provider_id: DEV_PROVIDER_ID } },
  },
  technician: {
    sub: 'tech-0001',
    claims: { ahs: { roles: ['AHS_TECHNICIAN'], countries: ['ES'], provider_id: DEV_PROVIDER_ID } },
  },
  'provider-admin-b': {
    sub: 'padmin-0002',
    claims: { ahs: { roles: ['AHS_PROVIDER_ADMIN'], countries: ['ES'], provider_id: DEV_PROVIDER_B_ID } },
  },
  'technician-b': {
    sub: 'tech-0002',
    claims: { ahs: { roles: ['AHS_TECHNICIAN'], countries: ['ES'], provider_id: DEV_PROVIDER_B_ID } },
  },
  'provider-admin-fr': {
    sub: 'padmin-0003',
    claims: { ahs: { roles: ['AHS_PROVIDER_ADMIN'], countries: ['FR'], provider_id: DEV_PROVIDER_FR_ID } },
  },
  'technician-fr': {
    sub: 'tech-0003',
    claims: { ahs: { roles: ['AHS_TECHNICIAN'], countries: ['FR'], provider_id: DEV_PROVIDER_FR_ID } },
  },
  admin: {
    sub: 'admin-0001',
    claims: { ahs: { roles: ['AHS_ADMIN'], countries: ['*'] } },
  },
} as const satisfies Record<string, DevUser>;

export type DevUserName = keyof typeof DEV_USERS;

export function isDevUserName(name: string): name is DevUserName {
  return Object.hasOwn(DEV_USERS, name);
}
