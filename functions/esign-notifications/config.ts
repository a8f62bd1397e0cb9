import { adobeSignConfigSchema, ESignUnavailableError, type AdobeSignConfig, type ESignature } from '../../shared/esign';

/**
 * Adobe Sign settings of esign-notifications. They are optional at boot so the mesh starts
 * before it has an Adobe Sign sandbox; without them the function only ever ignores (unknown
 * agreements need no call), and a notification that needs Adobe is retried then dead-lettered.
 */
export const notificationsConfigSchema = adobeSignConfigSchema.partial();

/** The complete Adobe Sign settings, when the API host and credentials are all set. */
export function adobeSignSettings(config: Partial<AdobeSignConfig>): AdobeSignConfig | undefined {
  const { ADOBE_SIGN_API_HOST, ADOBE_SIGN_CLIENT_ID, ADOBE_SIGN_CLIENT_SECRET, ADOBE_SIGN_REFRESH_TOKEN } = config;
  if (!ADOBE_SIGN_API_HOST || !ADOBE_SIGN_CLIENT_ID || !ADOBE_SIGN_CLIENT_SECRET || !ADOBE_SIGN_REFRESH_TOKEN) return undefined;
  return adobeSignConfigSchema.parse(config);
}

/** Every call fails as unavailable (retryable): Adobe Sign is not configured. */
export function unconfiguredESignature(): ESignature {
  const fail = () =>
    Promise.reject(new ESignUnavailableError('Adobe Sign is not configured (ADOBE_SIGN_API_HOST and credentials)', undefined, undefined, undefined));
  return { createAgreement: fail, findByKey: fail, getAgreement: fail, signedDocument: fail, auditTrail: fail, recall: fail };
}
