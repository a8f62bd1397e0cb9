import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../shared/config';
import { adobeSignSettings, unconfiguredESignature } from '../../shared/esign/optional';
import { contractsConfigSchema } from './config';

const base = { DATABASE_URL: 'postgres://app@127.0.0.1:5432/app', OIDC_ISSUER: 'https://sso.example.com', OIDC_AUDIENCE: 'urn:ahs:field-service' };
const adobe = {
  ADOBE_SIGN_API_HOST: 'https://api.eu1.adobesign.com',
  ADOBE_SIGN_CLIENT_ID: 'client',
  ADOBE_SIGN_CLIENT_SECRET: 'secret',
  ADOBE_SIGN_REFRESH_TOKEN: 'refresh',
};

describe('contracts config', () => {
  it('when Adobe Sign is not configured, then it boots and a recall answers unavailable (503)', async () => {
    const config = parseConfig(contractsConfigSchema, base);
    expect(adobeSignSettings(config)).toBeUndefined();
    await expect(unconfiguredESignature().recall('AGR-1', { comment: 'x', notifyOthers: true })).rejects.toMatchObject({ kind: 'retryable' });
  });

  it('when Adobe Sign is configured, then its settings are complete', () => {
    expect(adobeSignSettings(parseConfig(contractsConfigSchema, { ...base, ...adobe }))).toMatchObject({ ...adobe, ADOBE_SIGN_TIMEOUT_MS: 15_000 });
  });

  it('when the database URL is missing, then boot fails naming it', () => {
    expect(() => parseConfig(contractsConfigSchema, { OIDC_ISSUER: base.OIDC_ISSUER, OIDC_AUDIENCE: base.OIDC_AUDIENCE })).toThrow(ConfigError);
    expect(() => parseConfig(contractsConfigSchema, { OIDC_ISSUER: base.OIDC_ISSUER, OIDC_AUDIENCE: base.OIDC_AUDIENCE })).toThrow(/DATABASE_URL/);
  });
});
