/**
 * The Adobe Acrobat Sign sandbox of the local mesh (see `server.ts` for what it serves and its
 * control API). The mesh starts it unless ADOBE_SIGN_API_HOST names a real account; scripts and
 * tests drive it as a signer would:
 *
 *   const [{ link }] = await signingLinks(sandboxUrl, agreementId);   // the emailed links
 *   await signAsParticipant(sandboxUrl, link);                         // the page's form POST
 *
 * In person, `esign.signingUrl(agreementId, email)` (`GET .../signingUrls`) answers the same page
 * for the current signer; `setChaos(sandboxUrl, { notExposed: 1 })` makes it "not ready yet" once.
 */
export { declineAsParticipant, ensureWebhook, sandboxMessages, setChaos, signAsParticipant, signingLinks, type ParticipantOutcome } from './client';
export { startAdobeSignSandbox, type AdobeSignSandbox, type AdobeSignSandboxOptions } from './server';
export type { SandboxMessage } from './state';
