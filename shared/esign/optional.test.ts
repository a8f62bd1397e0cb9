import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config';
import { ESignUnavailableError } from './errors';
import { memoryLogger } from '../../test/support/logger';
import { AdobeSign } from './adobe-sign';
import { adobeSignSettings, optionalAdobeSign, optionalAdobeSignConfigSchema, unconfiguredESignature } from './optional';

const complete = {
  ADOBE_SIGN_API_HOST: 'https://api.eu1.adobesign.com',
  ADOBE_SIGN_CLIENT_ID: 'client',
  ADOBE_SIGN_CLIENT_SECRET: 'secret',
  ADOBE_SIGN_REFRESH_TOKEN: 'refresh',
};

describe('Adobe Sign settings optional at boot', () => {
  it('when every Adobe Sign setting is given, then the adapter settings come back with the timeout default', () => {
    expect(adobeSignSettings(parseConfig(optionalAdobeSignConfigSchema, complete))).toEqual({ ...complete, ADOBE_SIGN_TIMEOUT_MS: 15_000 });
  });

  it('when the API host or a credential is missing, then there are no settings and every call fails retryable', async () => {
    expect(adobeSignSettings(parseConfig(optionalAdobeSignConfigSchema, {}))).toBeUndefined();
    expect(adobeSignSettings(parseConfig(optionalAdobeSignConfigSchema, { ...complete, ADOBE_SIGN_REFRESH_TOKEN: undefined }))).toBeUndefined();
    await expect(unconfiguredESignature().getAgreement('CBJCHBCAABAA1')).rejects.toBeInstanceOf(ESignUnavailableError);
  });

  it('when a function boots without Adobe Sign, then it is warned of what it does without it and every call fails retryable', async () => {
    const logger = memoryLogger();
    const esign = optionalAdobeSign({}, logger, 'a recall answers 503');
    await expect(esign.recall('CBJCHBCAABAA1', { comment: 'x', notifyOthers: false })).rejects.toBeInstanceOf(ESignUnavailableError);
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'Adobe Sign is not configured: a recall answers 503' }));
    expect(optionalAdobeSign(parseConfig(optionalAdobeSignConfigSchema, complete), logger, 'unused')).toBeInstanceOf(AdobeSign);
  });
});
