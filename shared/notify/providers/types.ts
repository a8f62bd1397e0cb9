/**
 * What the sender needs from an SMS provider (Twilio Programmable Messaging) and an email provider
 * (SendGrid v3 mail send). The adapters (./twilio.ts, ./sendgrid.ts) speak the vendors' REST
 * contracts; the mesh's messaging sandbox (mesh/messaging) answers the same contracts locally.
 *
 * A send answers one of four outcomes, because what the sender may do next differs:
 *   - accepted: the provider took the message (its id, and what it said of segments and price);
 *   - retry: the provider certainly did not take it (429, 503, a connection refused before the
 *     request was written): send again after `retryAfterMs` if the provider named one;
 *   - permanent: it never will (Twilio 21211 invalid number, 21610 opted out; SendGrid 400): record
 *     the code and reason, do not retry;
 *   - unknown: the request may have been taken (a timeout, a reset connection, 500/502/504): the
 *     sender reconciles (status callback, message lookup) before it sends again.
 */
export type SendOutcome =
  | { outcome: 'accepted'; providerMessageId: string; status: string; segments: number | null; price: Price | null }
  | { outcome: 'retry'; code: string; reason: string; retryAfterMs?: number }
  | { outcome: 'permanent'; code: string; reason: string }
  | { outcome: 'unknown'; code: string; reason: string };

/** A provider's price, in micro-units of its currency (Twilio's "-0.07500" USD → 75000 micros), always positive. */
export interface Price {
  micros: number;
  currency: string;
}

export interface SmsToSend {
  /** E.164, e.g. +34612345678. */
  to: string;
  /** A sender number or alphanumeric id (`From`), or a Messaging Service SID (`MG...`, sent as `MessagingServiceSid`). */
  from: string;
  body: string;
  /** Where the provider posts delivery status (`StatusCallback`): the public URL with `?requestId=`. */
  statusCallback: string;
}

/** A message found by lookup (`GET .../Messages.json?To=&DateSent>=`). */
export interface SmsFound {
  providerMessageId: string;
  to: string;
  body: string;
  status: string;
  dateCreated: Date;
  segments: number | null;
  price: Price | null;
}

export interface SmsProvider {
  /** The account the rate limit counts against (notify.rate_limits.account), e.g. `twilio:AC...`. */
  readonly account: string;
  send(sms: SmsToSend): Promise<SendOutcome>;
  /** The messages sent to `to` since `since` (for reconciling a send whose answer was lost). */
  lookup(to: string, since: Date): Promise<SmsFound[]>;
  /** One message by the provider's id (its price, known once sent); undefined when the provider has none. */
  message(providerMessageId: string): Promise<SmsFound | undefined>;
}

export interface EmailToSend {
  to: string;
  from: { email: string; name: string };
  subject: string;
  text: string;
  html: string;
  /** Echoed by the provider in each event-webhook event (SendGrid `custom_args`): carries the requestId. */
  customArgs: Record<string, string>;
  /** Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058). */
  headers: Record<string, string>;
  /** SendGrid categories (the template id), for the provider's own statistics. */
  categories: string[];
}

export interface EmailProvider {
  readonly account: string;
  send(email: EmailToSend): Promise<SendOutcome>;
}
