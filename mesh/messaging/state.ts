import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What the messaging sandbox knows, as plain JSON: its credentials (a Twilio account, a SendGrid
 * API key, the event webhook's signing key pair), every SMS and email it took, the numbers that
 * replied STOP, the addresses that bounced, and the fates set for phones and mailboxes. Kept in memory and, when a file is
 * named, written to it shortly after each change (a storm of sends is written once, not per
 * message), so a restart keeps the messages, the opt-outs and the public key the functions trust.
 */
export interface Credentials {
  accountSid: string;
  authToken: string;
  sendgridApiKey: string;
  /** The event webhook's ECDSA P-256 key pair, PEM (PKCS#8 and SPKI). */
  signingKey: { privateKeyPem: string; publicKeyPem: string };
}

/** An SMS, as the Twilio Message resource keeps it (outbound: sent by the API; inbound: a phone's reply). */
export interface SmsRecord {
  channel: 'sms';
  sid: string;
  direction: 'outbound-api' | 'inbound';
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  status: 'accepted' | 'queued' | 'sent' | 'delivered' | 'undelivered' | 'received';
  segments: number;
  encoding: 'GSM-7' | 'UCS-2';
  dateCreated: string;
  dateSent: string | null;
  dateUpdated: string;
  /** Twilio's string, negative, e.g. "-0.07500"; null until delivered or undelivered. */
  price: string | null;
  errorCode: number | null;
  errorMessage: string | null;
  statusCallback: string | null;
}

export type EmailStatus = 'processed' | 'delivered' | 'bounce' | 'dropped';

/** One recipient's copy of a mail send. */
export interface EmailRecord {
  channel: 'email';
  /** `X-Message-Id` of the send (shared by its recipients). */
  messageId: string;
  /** `sg_message_id` of this recipient's copy. */
  sgMessageId: string;
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  status: EmailStatus;
  at: string;
  customArgs: Record<string, string>;
  headers: Record<string, string>;
  categories: string[];
}

export type SandboxMessage = SmsRecord | EmailRecord;

export type PhoneFate = { fate: 'delivered' } | { fate: 'undelivered'; errorCode: 30003 | 30005 } | { fate: 'opted-out' } | { fate: 'invalid' };
export type MailboxFate = 'delivered' | 'bounce' | 'dropped';

export interface SandboxData {
  credentials: Credentials;
  messages: SandboxMessage[];
  /** Phones that replied STOP (Twilio refuses sends to them with 21610 until they reply START). */
  optedOut: string[];
  phones: Record<string, PhoneFate>;
  mailboxes: Record<string, MailboxFate>;
  /** SendGrid's bounce list: addresses that bounced, whose later sends are dropped ("Bounced Address"). */
  bounces: string[];
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

function newSigningKey(): Credentials['signingKey'] {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export class MessagingState {
  private saveTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly data: SandboxData,
    private readonly file: string | undefined,
  ) {}

  /** The state kept in `file` (none: memory only); credentials are made once, unless given. */
  static load(file: string | undefined, given: Partial<Omit<Credentials, 'signingKey'>> = {}): MessagingState {
    const stored = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<SandboxData>) : {};
    const data: SandboxData = {
      credentials: {
        accountSid: given.accountSid ?? stored.credentials?.accountSid ?? `AC${hex(16)}`,
        authToken: given.authToken ?? stored.credentials?.authToken ?? hex(16),
        sendgridApiKey:
          given.sendgridApiKey ?? stored.credentials?.sendgridApiKey ?? `SG.${randomBytes(16).toString('base64url')}.${randomBytes(32).toString('base64url')}`,
        signingKey: stored.credentials?.signingKey ?? newSigningKey(),
      },
      messages: stored.messages ?? [],
      optedOut: stored.optedOut ?? [],
      phones: stored.phones ?? {},
      mailboxes: stored.mailboxes ?? {},
      bounces: stored.bounces ?? [],
    };
    const state = new MessagingState(data, file);
    state.flush();
    return state;
  }

  /** Marks the state changed: written within 200 ms. */
  changed(): void {
    if (!this.file || this.saveTimer) return;
    this.saveTimer = setTimeout(() => this.flush(), 200);
    this.saveTimer.unref();
  }

  /** Written at once, through a temporary file, so a crash leaves the previous state whole. */
  flush(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.file) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.data), { mode: 0o600 });
    renameSync(temporary, this.file);
  }

  sms(sid: string): SmsRecord | undefined {
    return this.data.messages.find((m): m is SmsRecord => m.channel === 'sms' && m.sid === sid);
  }
}

/** Twilio's resource ids: a two-letter prefix and 32 hex digits. */
export const twilioSid = (prefix: 'SM' | 'MG' | 'AC') => `${prefix}${hex(16)}`;

/** Twilio writes dates as RFC 2822 in GMT: `Thu, 24 Aug 2023 05:01:45 +0000`. */
export const rfc2822 = (date: Date) => date.toUTCString().replace('GMT', '+0000');
