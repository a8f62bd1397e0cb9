import { parsePhoneNumberFromString } from 'libphonenumber-js/mobile';
import type { Queryable } from '../db';
import type { Channel } from './consent';

export type RecipientRef =
  { kind: 'customer'; customerId: string } | { kind: 'provider'; providerId: string } | { kind: 'technician'; providerId: string; technicianId: string };

/** What the notify domain reads about a recipient when it sends: read from orders / dispatch, never carried in events. */
export interface Contact {
  /** As stored (a customer's phone may be national: "06 12 34 56 78"); see `smsNumber`. */
  phone: string | null;
  email: string | null;
  /** Where the phone number belongs when it is written without a country prefix. */
  countryCode: string;
}

/** The contact of a recipient, or undefined when the recipient does not exist (any more). */
export async function readContact(db: Queryable, recipient: RecipientRef): Promise<Contact | undefined> {
  const { sql, id } = CONTACT_QUERIES[recipient.kind](recipient);
  const {
    rows: [row],
  } = await db.query<{ phone: string | null; email: string | null; country_code: string }>(sql, [id]);
  return row && { phone: nonEmpty(row.phone), email: nonEmpty(row.email), countryCode: row.country_code };
}

const CONTACT_QUERIES: Record<RecipientRef['kind'], (r: RecipientRef) => { sql: string; id: string }> = {
  customer: (r) => ({ sql: 'SELECT phone, email, country_code FROM orders.customers WHERE id = $1', id: (r as { customerId: string }).customerId }),
  provider: (r) => ({
    sql: 'SELECT dispatch_phone AS phone, dispatch_email AS email, country_code FROM dispatch.providers WHERE id = $1',
    id: (r as { providerId: string }).providerId,
  }),
  technician: (r) => ({
    sql: `SELECT t.mobile_phone AS phone, t.email, p.country_code
            FROM dispatch.technicians t JOIN dispatch.providers p ON p.id = t.provider_id WHERE t.id = $1`,
    id: (r as { technicianId: string }).technicianId,
  }),
};

function nonEmpty(value: string | null): string | null {
  return value !== null && value.trim() !== '' ? value.trim() : null;
}

/**
 * The E.164 number an SMS goes to, or why there is none: the phone must be a valid mobile
 * number (libphonenumber's mobile metadata: a landline cannot receive SMS), read in the
 * recipient's country when it has no +prefix.
 */
export function smsNumber(contact: Contact): { ok: true; e164: string } | { ok: false; code: string; reason: string } {
  if (!contact.phone) return { ok: false, code: 'no-phone', reason: 'the recipient has no phone number' };
  const parsed = parsePhoneNumberFromString(contact.phone, contact.countryCode as Parameters<typeof parsePhoneNumberFromString>[1]);
  if (!parsed?.isValid()) return { ok: false, code: 'invalid-number', reason: `the phone number is not a valid mobile number for ${contact.countryCode}` };
  return { ok: true, e164: parsed.number };
}

/** The address of a recipient on a channel, normalised, or why there is none. */
export function addressOn(channel: Channel, contact: Contact): { ok: true; address: string } | { ok: false; code: string; reason: string } {
  if (channel === 'sms') {
    const number = smsNumber(contact);
    return number.ok ? { ok: true, address: number.e164 } : number;
  }
  if (!contact.email) return { ok: false, code: 'no-email', reason: 'the recipient has no email address' };
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(contact.email)) return { ok: false, code: 'invalid-email', reason: 'the email address is not valid' };
  return { ok: true, address: contact.email.toLowerCase() };
}

/** A destination an operator may see: +34 6•• ••• •78, j•••@example.es. */
export function maskAddress(channel: Channel, address: string): string {
  if (channel === 'sms')
    return address.length <= 6 ? '•'.repeat(address.length) : `${address.slice(0, 4)}${'•'.repeat(address.length - 6)}${address.slice(-2)}`;
  const [local = '', domain = ''] = address.split('@');
  return `${local.slice(0, 1)}•••@${domain}`;
}
