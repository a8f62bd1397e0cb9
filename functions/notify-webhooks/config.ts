import { z } from 'zod';
import { env } from '../../shared/config';
import { customerLinkSecretSchema } from '../../shared/domain/customer-link';
import { DEFAULT_SIGNATURE_TOLERANCE_S } from '../../shared/notify/signatures';

/**
 * What notify-webhooks reads beyond the database settings, secrets without defaults:
 *   - TWILIO_AUTH_TOKEN: the key of Twilio's X-Twilio-Signature;
 *   - SENDGRID_WEBHOOK_PUBLIC_KEY: the event webhook's verification key, as SendGrid shows it
 *     (base64 of the DER public key);
 *   - NOTIFY_PUBLIC_BASE_URL: the public URL the providers call, in front of the ingress (the
 *     sender builds the status callback and unsubscribe URLs from it): Twilio signs
 *     `{NOTIFY_PUBLIC_BASE_URL}{path}?{query}`, never the URL this container sees;
 *   - CUSTOMER_LINK_SECRET: the key of the unsubscribe links' tokens;
 *   - NOTIFY_SIGNATURE_TOLERANCE_S: how far a SendGrid timestamp may be from now (replays).
 */
export const notifyWebhooksConfigSchema = z.object({
  TWILIO_AUTH_TOKEN: z.string().min(1),
  SENDGRID_WEBHOOK_PUBLIC_KEY: z.string().min(1),
  NOTIFY_PUBLIC_BASE_URL: env.url().transform((v) => v.replace(/\/+$/, '')),
  CUSTOMER_LINK_SECRET: customerLinkSecretSchema,
  NOTIFY_SIGNATURE_TOLERANCE_S: env.int(DEFAULT_SIGNATURE_TOLERANCE_S),
});
