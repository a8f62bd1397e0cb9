/**
 * The Adobe Acrobat Sign sandbox of the local mesh (see `server.ts` for what it serves and its
 * control API). The mesh starts it unless ADOBE_SIGN_API_HOST names a real account; scripts and
 * tests drive it as a signer would:
 *
 *   const [{ link }] = await signingLinks(sandboxUrl, agreementId);   // the emailed links
 *   await signAsParticipant(sandboxUrl, link);                         // the page's form POST
 */
export { declineAsParticipant, ensureWebhook, sandboxMessages, setChaos, signAsParticipant, signingLinks, type ParticipantOutcome } from './client';
export { startAdobeSignSandbox, type AdobeSignSandbox, type AdobeSignSandboxOptions } from './server';
export type { SandboxMessage } from './state';
