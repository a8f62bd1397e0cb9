import { adobeSignConfigSchema, ESignUnavailableError, type AdobeSignConfig, type ESignature } from '../../shared/esign';

/**
 * What contracts reads from its environment beyond the database and OIDC settings: Adobe Sign,
 * to recall an agreement out for signature. Optional at boot, as for esign-notifications, so the
 * mesh starts before it has an Adobe Sign sandbox: without it a recall answers 503. The object
 * store holding the documents has its own variables (`objectStoreConfigSchema`: OBJECT_STORE_BUCKET
 * in the cluster, OBJECT_STORE_DIR locally), read by `objectStoreFromConfig`.
 */
export const contractsConfigSchema = adobeSignConfigSchema.partial();

/** The complete Adobe Sign settings, when the API host and credentials are all set. */
export function adobeSignSettings(config: Partial<AdobeSignConfig>): AdobeSignConfig | undefined {
  const { ADOBE_SIGN_API_HOST, ADOBE_SIGN_CLIENT_ID, ADOBE_SIGN_CLIENT_SECRET, ADOBE_SIGN_REFRESH_TOKEN } = config;
  if (!ADOBE_SIGN_API_HOST || !ADOBE_SIGN_CLIENT_ID || !ADOBE_SIGN_CLIENT_SECRET || !ADOBE_SIGN_REFRESH_TOKEN) return undefined;
  return adobeSignConfigSchema.parse(config);
}

/** What contracts asks of Adobe Sign: only the recall of an agreement out for signature. */
export type Recaller = Pick<ESignature, 'recall'>;

/** A recall fails as unavailable (503, retry later): Adobe Sign is not configured. */
export function unconfiguredESignature(): Recaller {
  return {
    recall: () =>
      Promise.reject(new ESignUnavailableError('Adobe Sign is not configured (ADOBE_SIGN_API_HOST and credentials)', undefined, undefined, undefined)),
  };
}
