import { z } from 'zod';
import { env } from '../../config';
import { sendgridEmail } from './sendgrid';
import { twilioSms } from './twilio';
import type { EmailProvider, SmsProvider } from './types';

/**
 * How the messaging service reaches Twilio and SendGrid, read once with `parseConfig`. The
 * credentials have no defaults and are never logged: the adapters put them only in the
 * authorization headers. The base URLs point at the mesh's messaging sandbox locally.
 */
export const messagingProvidersConfigSchema = z.object({
  TWILIO_ACCOUNT_SID: z.string().min(1),
  TWILIO_AUTH_TOKEN: z.string().min(1),
  TWILIO_API_BASE_URL: env.url().default('https://api.twilio.com'),
  SENDGRID_API_KEY: z.string().min(1),
  SENDGRID_API_BASE_URL: env.url().default('https://api.sendgrid.com'),
  /** Per request, ms: no answer in time is an `unknown` outcome, reconciled before any resend. */
  NOTIFY_PROVIDER_TIMEOUT_MS: env.int(10_000),
});
export type MessagingProvidersConfig = z.infer<typeof messagingProvidersConfigSchema>;

/** The adapters from the parsed configuration. */
export function providersFromConfig(config: MessagingProvidersConfig): { sms: SmsProvider; email: EmailProvider } {
  const timeoutMs = config.NOTIFY_PROVIDER_TIMEOUT_MS;
  return {
    sms: twilioSms({ accountSid: config.TWILIO_ACCOUNT_SID, authToken: config.TWILIO_AUTH_TOKEN, baseUrl: config.TWILIO_API_BASE_URL, timeoutMs }),
    email: sendgridEmail({ apiKey: config.SENDGRID_API_KEY, baseUrl: config.SENDGRID_API_BASE_URL, timeoutMs }),
  };
}
