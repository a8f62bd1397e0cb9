import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config';
import { ESignUnavailableError } from '../../shared/esign';
import { adobeSignSettings, notificationsConfigSchema, unconfiguredESignature } from './config';

const complete = {
  ADOBE_SIGN_API_HOST: 'https://api.eu1.adobesign.com',
  ADOBE_SIGN_CLIENT_ID: 'client',
  ADOBE_SIGN_CLIENT_SECRET: 'secret',
  ADOBE_SIGN_REFRESH_TOKEN: 'refresh',
};

describe('esign-notifications config', () => {
  it('when every Adobe Sign setting is given, then the adapter settings come back with the timeout default', () => {
    expect(adobeSignSettings(parseConfig(notificationsConfigSchema, complete))).toEqual({ ...complete, ADOBE_SIGN_TIMEOUT_MS: 15_000 });
  });

  it('when the API host or a credential is missing, then there are no settings and every call fails retryable', async () => {
    expect(adobeSignSettings(parseConfig(notificationsConfigSchema, {}))).toBeUndefined();
    expect(adobeSignSettings(parseConfig(notificationsConfigSchema, { ...complete, ADOBE_SIGN_REFRESH_TOKEN: undefined }))).toBeUndefined();
    await expect(unconfiguredESignature().getAgreement('CBJCHBCAABAA1')).rejects.toBeInstanceOf(ESignUnavailableError);
  });
});
