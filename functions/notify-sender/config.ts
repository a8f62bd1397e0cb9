import { z } from 'zod';
import { env } from '../../shared/config';
import { customerLinkSecretSchema } from '../../shared/domain/customer-link';

/**
 * What notify-sender reads beyond the database and the providers' credentials
 * (shared/notify/providers/config.ts).
 */
export const senderConfigSchema = z.object({
  /** The public URL of notify-webhooks as Twilio and mail clients reach it (status callbacks, unsubscribe links). */
  NOTIFY_PUBLIC_BASE_URL: env.url(),
  /** Signs the one-click unsubscribe links (the customer links' secret). */
  CUSTOMER_LINK_SECRET: customerLinkSecretSchema,
  /** Pace per provider account, across every instance: SMS and emails per second. */
  NOTIFY_SMS_PER_SECOND: env.int(100),
  NOTIFY_EMAIL_PER_SECOND: env.int(100),
  /** Sends in flight per channel in one instance (provider calls take ~100–300 ms). */
  NOTIFY_SEND_CONCURRENCY: env.int(32),
  /** Attempts before a message that keeps meeting 429/5xx is failed. */
  NOTIFY_MAX_ATTEMPTS: env.int(8),
  /** First retry's backoff, doubled per attempt (with jitter), at most NOTIFY_MAX_BACKOFF_MS. */
  NOTIFY_BACKOFF_MS: env.int(2_000),
  NOTIFY_MAX_BACKOFF_MS: env.int(600_000),
  /** A send's lease: a sender that dies mid-call leaves its message to be reconciled after this. */
  NOTIFY_LEASE_MS: env.int(60_000),
  /** After an unanswered send, how long a status callback may take before the provider is asked. */
  NOTIFY_RECONCILE_AFTER_MS: env.int(120_000),
  /** Emails cannot be looked up: an unanswered send is resent when no event names it within this. */
  NOTIFY_EMAIL_RECONCILE_GRACE_MS: env.int(900_000),
  /** How often each instance looks for nothing due (when not woken by a new request). */
  NOTIFY_IDLE_MS: env.int(1_000),
});
export type SenderConfig = z.infer<typeof senderConfigSchema>;
