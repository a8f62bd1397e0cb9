export { adobeSignFromConfig, AdobeSign, type AdobeSignOptions } from './adobe-sign';
export { adobeSignConfigSchema, type AdobeSignConfig } from './config';
export { ESignConflictError, ESignRejectedError, ESignUnavailableError } from './errors';
export { AccessTokens, type TokenSettings } from './tokens';
export type * from './types';
