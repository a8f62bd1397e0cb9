import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';
import { startMessagingSandbox, type MessagingSandbox } from '../../mesh/messaging';
import type { Db } from '../../shared/db';
import { sendgridEmail } from '../../shared/notify/providers/sendgrid';
import { twilioSms } from '../../shared/notify/providers/twilio';
import { memoryLogger } from '../../test/support/logger';
import { countrySettingsCache } from './function';
import type { ReconcileDeps } from './reconcile';
import type { SendDeps } from './send';

export const LINK_SECRET = 'notify-sender-tests-link-secret-0123456789';

/**
 * The sender's world in tests: the mesh's messaging sandbox (Twilio and SendGrid as their REST
 * contracts say) reached through the real adapters, and a receiver standing for notify-webhooks'
 * public URL that records what the sandbox calls back.
 */
export async function useSenderWorld(db: Db, clock: () => Date = () => new Date()) {
  const callbacks: { path: string; body: string }[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      callbacks.push({ path: req.url ?? '', body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const publicBaseUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const sandbox: MessagingSandbox = await startMessagingSandbox({ statusCallbackDelayMs: 20, sendgridEventsUrl: `${publicBaseUrl}/sendgrid/events` });
  afterAll(async () => {
    await sandbox.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });
  const logger = memoryLogger();
  const deps: SendDeps & ReconcileDeps = {
    db,
    logger,
    sms: twilioSms({ accountSid: sandbox.accountSid, authToken: sandbox.authToken, baseUrl: sandbox.url, timeoutMs: 2_000 }),
    email: sendgridEmail({ apiKey: sandbox.sendgridApiKey, baseUrl: sandbox.url, timeoutMs: 2_000 }),
    clock,
    settings: countrySettingsCache(db),
    publicBaseUrl,
    linkSecret: LINK_SECRET,
    maxAttempts: 3,
    backoffMs: 1_000,
    maxBackoffMs: 60_000,
    reconcileAfterMs: 60_000,
    leaseMs: 30_000,
    emailGraceMs: 600_000,
  };
  return { sandbox, deps, logger, callbacks, publicBaseUrl };
}
