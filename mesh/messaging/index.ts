/**
 * The messaging sandbox of the local mesh: Twilio Programmable Messaging and SendGrid v3 as the
 * notify adapters (shared/notify/providers) call them, their webhooks signed as the vendors sign
 * them, and a control API (see `server.ts` and `control-api.ts`). The mesh starts it and hands its
 * `env` to the notify functions (TWILIO_API_BASE_URL, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN,
 * SENDGRID_API_BASE_URL, SENDGRID_API_KEY, SENDGRID_WEBHOOK_PUBLIC_KEY); scripts and tests act as
 * the phones and mailboxes:
 *
 *   const sandbox = await startMessagingSandbox({ smsInboundUrl, sendgridEventsUrl, stateFile });
 *   await sandboxMessages(sandbox.url, { to: '+34612345678' });    // what the phone received
 *   await replyFromPhone(sandbox.url, '+34612345678', 'STOP');     // later sends: 21610
 *   await setMailboxFate(sandbox.url, 'ana@example.com', 'bounce'); // bounce event, then dropped
 *   await failNextSends(sandbox.url, { channel: 'sms', count: 2, status: 429, retryAfterSeconds: 3 });
 *   await updateSettings(sandbox.url, { rateLimitPerSecond: 100 }); // then sandboxCounts(...).acceptedAt
 */
export {
  failNextSends,
  replyFromPhone,
  resetCounts,
  sandboxCounts,
  sandboxDeliveries,
  sandboxMessages,
  sendgridPublicKey,
  setMailboxFate,
  setPhoneFate,
  updateSettings,
} from './client';
export type { Counts, Settings } from './controls';
export { startMessagingSandbox, type MessagingSandbox, type MessagingSandboxOptions } from './server';
export type { EmailRecord, SandboxMessage, SmsRecord } from './state';
export type { ReplyOutcome } from './twilio-phones';
