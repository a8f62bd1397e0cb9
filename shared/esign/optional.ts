import type { Logger } from '../logging';
import { adobeSignFromConfig } from './adobe-sign';
import { adobeSignConfigSchema, type AdobeSignConfig } from './config';
import { ESignUnavailableError } from './errors';
import type { ESignature } from './types';

/**
 * Adobe Sign settings for a function that boots without them (the mesh starts before its
 * sandbox; an environment may have no Adobe account yet): every variable optional at boot.
 */
export const optionalAdobeSignConfigSchema = adobeSignConfigSchema.partial();

/** The complete Adobe Sign settings, when the API host and credentials are all set. */
export function adobeSignSettings(config: Partial<AdobeSignConfig>): AdobeSignConfig | undefined {
  const { ADOBE_SIGN_API_HOST, ADOBE_SIGN_CLIENT_ID, ADOBE_SIGN_CLIENT_SECRET, ADOBE_SIGN_REFRESH_TOKEN } = config;
  if (!ADOBE_SIGN_API_HOST || !ADOBE_SIGN_CLIENT_ID || !ADOBE_SIGN_CLIENT_SECRET || !ADOBE_SIGN_REFRESH_TOKEN) return undefined;
  return adobeSignConfigSchema.parse(config);
}

/**
 * Every call fails as unavailable (retryable): Adobe Sign is not configured. Callers retry, then
 * take their fallback (the contract workflow: a paper signature), never a silent success.
 */
export function unconfiguredESignature(): ESignature {
  const fail = () =>
    Promise.reject(new ESignUnavailableError('Adobe Sign is not configured (ADOBE_SIGN_API_HOST and credentials)', undefined, undefined, undefined));
  return {
    createAgreement: fail,
    findByKey: fail,
    getAgreement: fail,
    signedDocument: fail,
    auditTrail: fail,
    agreementEvents: fail,
    recall: fail,
    signingUrl: fail,
  };
}

/**
 * The adapter a function's index.ts builds from its parsed configuration: Adobe Sign when it is
 * configured, else the unconfigured one, with a warning saying what the function does without it.
 */
export function optionalAdobeSign(config: Partial<AdobeSignConfig>, logger: Logger, withoutIt: string): ESignature {
  const settings = adobeSignSettings(config);
  if (settings) return adobeSignFromConfig(settings);
  logger.warn(`Adobe Sign is not configured: ${withoutIt}`);
  return unconfiguredESignature();
}
