/**
 * Adobe Sign settings of esign-notifications. They are optional at boot so the mesh starts
 * before it has an Adobe Sign sandbox; without them the function only ever ignores (unknown
 * agreements need no call), and a notification that needs Adobe is retried then dead-lettered.
 */
export { optionalAdobeSignConfigSchema as notificationsConfigSchema, adobeSignSettings, unconfiguredESignature } from '../../shared/esign/optional';
