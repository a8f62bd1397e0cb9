import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../config/config';
import { UnauthenticatedError } from '../errors/errors';
import { claimMappingSchema, DEFAULT_CLAIM_MAPPING, mapClaims } from './claims';
import { authConfigSchema, authenticatorFromEnv } from './oidc-authenticator';

const PROVIDER = '11111111-1111-4111-8111-111111111111';
const baseEnv = { OIDC_ISSUER: 'https://sso.example.com', OIDC_AUDIENCE: 'urn:ahs:field-service' };

describe('mapClaims with the default mapping', () => {
  it('when the claims sit under `ahs`, then roles, countries and provider id are mapped', () => {
    const principal = mapClaims({ sub: 'tech-0001', ahs: { roles: ['AHS_TECHNICIAN'], countries: ['ES'], provider_id: PROVIDER } }, DEFAULT_CLAIM_MAPPING);
    expect(principal).toEqual({
      subject: 'tech-0001',
      roles: ['technician'],
      scope: { countries: ['ES'], businessUnits: [], stores: [], providerId: PROVIDER },
    });
  });

  it('when a claim is a space- or comma-separated string, then it is split into values', () => {
    const principal = mapClaims({ sub: 'u', ahs: { roles: 'AHS_OPERATOR AHS_ADMIN', countries: 'ES, FR', stores: 'S1,S2 S2' } }, DEFAULT_CLAIM_MAPPING);
    expect(principal.roles).toEqual(['operator', 'admin']);
    expect(principal.scope.countries).toEqual(['ES', 'FR']);
    expect(principal.scope.stores).toEqual(['S1', 'S2']);
  });

  it('when role values are unknown, then they are ignored', () => {
    const principal = mapClaims({ sub: 'u', ahs: { roles: ['AHS_OPERATOR', 'SUPERUSER', 'toString'] } }, DEFAULT_CLAIM_MAPPING);
    expect(principal.roles).toEqual(['operator']);
  });

  it('when a flat claim is literally named like the dotted path, then it is read', () => {
    const principal = mapClaims({ sub: 'u', 'ahs.roles': 'AHS_ADMIN', 'ahs.countries': '*' }, DEFAULT_CLAIM_MAPPING);
    expect(principal.roles).toEqual(['admin']);
    expect(principal.scope.countries).toEqual(['*']);
  });

  it('when claims have an unexpected shape, then they count as absent', () => {
    const principal = mapClaims({ sub: 'u', ahs: { roles: 42, countries: { ES: true }, provider_id: ['a', 'b'] } }, DEFAULT_CLAIM_MAPPING);
    expect(principal.roles).toEqual([]);
    expect(principal.scope).toEqual({ countries: [], businessUnits: [], stores: [], providerId: null });
  });

  it('when the token has no subject, then it is Unauthenticated', () => {
    expect(() => mapClaims({ ahs: { roles: ['AHS_ADMIN'] } }, DEFAULT_CLAIM_MAPPING)).toThrow(UnauthenticatedError);
  });
});

describe('a custom mapping', () => {
  it('when claim names and role values differ, then the mapping reads them', () => {
    const mapping = claimMappingSchema.parse({
      roles: 'realm_access.roles',
      countries: 'country',
      businessUnits: 'bu',
      providerId: 'org.provider',
      roleValues: { 'fs-dispatcher': 'operator', 'fs-partner-admin': 'provider-admin' },
    });
    const principal = mapClaims(
      {
        sub: 'p-1',
        realm_access: { roles: ['fs-partner-admin', 'AHS_ADMIN'] },
        country: 'PL',
        bu: ['PL-01'],
        org: { provider: PROVIDER },
      },
      mapping,
    );
    expect(principal).toEqual({
      subject: 'p-1',
      roles: ['provider-admin'],
      scope: { countries: ['PL'], businessUnits: ['PL-01'], stores: [], providerId: PROVIDER },
    });
  });
});

describe('AUTH_CLAIM_MAPPING', () => {
  it('when it is absent or blank, then the default mapping is used', () => {
    expect(parseConfig(authConfigSchema, baseEnv).AUTH_CLAIM_MAPPING).toEqual(DEFAULT_CLAIM_MAPPING);
    expect(parseConfig(authConfigSchema, { ...baseEnv, AUTH_CLAIM_MAPPING: ' ' }).AUTH_CLAIM_MAPPING).toEqual(DEFAULT_CLAIM_MAPPING);
  });

  it('when it names some claims, then the others keep their defaults', () => {
    const env = { ...baseEnv, AUTH_CLAIM_MAPPING: '{"roles":"groups","roleValues":{"ops":"operator"}}' };
    const mapping = parseConfig(authConfigSchema, env).AUTH_CLAIM_MAPPING;
    expect(mapping).toEqual({ ...DEFAULT_CLAIM_MAPPING, roles: 'groups', roleValues: { ops: 'operator' } });
  });

  it.each([
    ['not JSON', '{roles:'],
    ['an unknown key', '{"rolse":"groups"}'],
    ['an unknown role', '{"roleValues":{"X":"superuser"}}'],
    ['an empty claim name', '{"stores":""}'],
  ])('when it holds %s, then boot fails naming the variable', (_case, value) => {
    const run = () => parseConfig(authConfigSchema, { ...baseEnv, AUTH_CLAIM_MAPPING: value });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/AUTH_CLAIM_MAPPING is invalid/);
  });
});

describe('authenticatorFromEnv', () => {
  it('when OIDC_ISSUER and OIDC_AUDIENCE are missing, then boot fails naming both', () => {
    expect(() => authenticatorFromEnv({})).toThrow(/OIDC_ISSUER is missing.*OIDC_AUDIENCE is missing/);
  });

  it('when the variables are set, then an authenticator is built without touching the network', () => {
    const auth = authenticatorFromEnv({ ...baseEnv, OIDC_ISSUER: 'http://127.0.0.1:1', OIDC_ALLOW_INSECURE: 'true' });
    expect(typeof auth.authenticate).toBe('function');
    expect(parseConfig(authConfigSchema, baseEnv).OIDC_ALLOW_INSECURE).toBe(false);
  });
});
