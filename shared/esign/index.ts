/**
 * E-signature through Adobe Acrobat Sign REST v6. Code depends on `ESignature`; `index.ts` of a
 * function builds the adapter from its configuration:
 *
 *   const esign: ESignature = adobeSignFromConfig(parseConfig(adobeSignConfigSchema));
 *   const { agreementId, created } = await esign.createAgreement({
 *     key: contract.id, name: 'Contrato de servicio', document: { bytes: pdf, fileName: 'contrato.pdf' },
 *     signingSteps: [[{ email, authentication: aboveThreshold ? { method: 'PHONE', countryCode: '+34', phone } : undefined }]],
 *     reminderFrequency: 'DAILY_UNTIL_SIGNED', expiresAt,
 *   });
 *
 * In person (the technician hands over the device): `await esign.signingUrl(agreementId, email)`
 * is the signer's Adobe signing page when it is their turn, undefined when it is not.
 *
 * Failures: `ESignUnavailableError` (retry, after `retryAfterMs` when Adobe said), `ESignRejectedError`
 * (permanent, Adobe's `code`), `ESignConflictError` (e.g. recall of a signed agreement). Tests use
 * `FakeAdobeSign` from `./testing`.
 */
export { adobeSignFromConfig, AdobeSign, type AdobeSignOptions } from './adobe-sign';
export { adobeSignConfigSchema, type AdobeSignConfig } from './config';
export { ESignConflictError, ESignRejectedError, ESignUnavailableError } from './errors';
export { createAgreementOnce, type AgreementRecords } from './once';
export { AccessTokens, type TokenSettings } from './tokens';
export type * from './types';
export { asReminderFrequency, reminderFrequencies } from './types';
