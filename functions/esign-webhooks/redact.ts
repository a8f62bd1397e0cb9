import { createHash } from 'node:crypto';

/** SHA-256 (hex) of an email, lower-cased and trimmed: the same person hashes the same. */
export function hashEmail(email: string | undefined): string | null {
  if (email === undefined || email.trim() === '') return null;
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

/**
 * The payload as it is stored: every string field whose name ends in `email` (any case, at any
 * depth: participantUserEmail, actingUserEmail, webhookNotificationApplicableUsers[].email,
 * participant sets' memberInfos) is replaced by its hash.
 */
export function redactEmails(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactEmails);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, /email$/i.test(key) && typeof v === 'string' ? `sha256:${hashEmail(v) ?? ''}` : redactEmails(v)]),
  );
}
