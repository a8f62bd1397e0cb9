import { z } from 'zod';
import type { MessagingState } from './state';

/**
 * Pacing and failure on request (`POST /_sandbox/settings`, `/_sandbox/fail`, `/_sandbox/phones`,
 * `/_sandbox/mailboxes`), and the counts a storm benchmark reads (`GET /_sandbox/counts`):
 *
 * - the Twilio account's rate limit, messages per second as a token bucket (a second's burst): beyond it a send
 *   is answered 429 (code 20429) with Retry-After, and nothing is taken;
 * - the next `count` sends of a channel answered 429 or 503 (nothing taken);
 * - a phone's fate (delivered, undelivered with 30003 or 30005, opted out: 21610, invalid: 21211)
 *   and a mailbox's (delivered, bounce, dropped), kept until changed.
 */
export const settingsSchema = z
  .object({
    rateLimitPerSecond: z.number().int().min(0),
    statusCallbackDelayMs: z.number().int().min(0),
    smsInboundUrl: z.url().nullable(),
    sendgridEventsUrl: z.url().nullable(),
  })
  .partial()
  .strict();
export type Settings = Required<z.infer<typeof settingsSchema>>;

export const failSchema = z
  .object({
    channel: z.enum(['sms', 'email']),
    count: z.number().int().min(0),
    status: z.union([z.literal(429), z.literal(503)]).default(429),
    retryAfterSeconds: z.number().int().min(0).default(1),
  })
  .strict();
type Failure = Omit<z.infer<typeof failSchema>, 'channel'>;

export const phoneSchema = z.discriminatedUnion('fate', [
  z.object({ phone: z.string().min(1), fate: z.literal('delivered') }).strict(),
  z.object({ phone: z.string().min(1), fate: z.literal('undelivered'), errorCode: z.union([z.literal(30003), z.literal(30005)]).default(30003) }).strict(),
  z.object({ phone: z.string().min(1), fate: z.literal('opted-out') }).strict(),
  z.object({ phone: z.string().min(1), fate: z.literal('invalid') }).strict(),
]);

export const mailboxSchema = z.object({ email: z.string().min(1), fate: z.enum(['delivered', 'bounce', 'dropped']) }).strict();

export interface Counts {
  /** Sends accepted (SMS and email recipients) since the start or the last reset. */
  total: number;
  sms: number;
  email: number;
  perRecipient: Record<string, number>;
  /** When each send was accepted, epoch ms, oldest first (the pace a benchmark measures). */
  acceptedAt: number[];
}

export class Controls {
  readonly settings: Settings;
  private failures: Record<'sms' | 'email', Failure> = { sms: noFailure(), email: noFailure() };
  private counts: Counts = emptyCounts();
  /**
   * The account's rate as a token bucket (as providers meter their APIs): `rateLimitPerSecond`
   * tokens at most — a second's burst — refilled at that rate; each SMS taken uses one.
   */
  private bucket: { tokens: number; at: number } | undefined;

  constructor(
    private readonly state: MessagingState,
    settings: Settings,
  ) {
    this.settings = { ...settings };
  }

  change(body: unknown): Settings {
    Object.assign(this.settings, parse(settingsSchema, body));
    return this.settings;
  }

  fail(body: unknown): Record<'sms' | 'email', Failure> {
    const { channel, ...failure } = parse(failSchema, body);
    this.failures[channel] = failure;
    return this.failures;
  }

  setPhone(body: unknown): void {
    const { phone, ...fate } = parse(phoneSchema, body);
    if (fate.fate === 'delivered') delete this.state.data.phones[phone];
    else this.state.data.phones[phone] = fate;
    // `delivered` is the phone as new: a STOP it replied is forgotten too
    if (fate.fate === 'delivered') this.optIn(phone);
    this.state.changed();
  }

  setMailbox(body: unknown): void {
    const { email, fate } = parse(mailboxSchema, body);
    const key = email.toLowerCase();
    if (fate === 'delivered') delete this.state.data.mailboxes[key];
    else this.state.data.mailboxes[key] = fate;
    // as deleting the address from SendGrid's bounce list
    this.state.data.bounces = this.state.data.bounces.filter((b) => b !== key);
    this.state.changed();
  }

  /** A forced failure for this send, while the count lasts. */
  forcedFailure(channel: 'sms' | 'email'): { status: 429 | 503; retryAfterSeconds: number } | undefined {
    const failure = this.failures[channel];
    if (failure.count <= 0) return undefined;
    failure.count -= 1;
    return { status: failure.status, retryAfterSeconds: failure.retryAfterSeconds };
  }

  /** Seconds to wait when one more SMS now would exceed the account's rate, else undefined. */
  rateLimited(now: number): number | undefined {
    const limit = this.settings.rateLimitPerSecond;
    if (limit <= 0) return undefined;
    const bucket = (this.bucket ??= { tokens: limit, at: now });
    bucket.tokens = Math.min(limit, bucket.tokens + ((now - bucket.at) * limit) / 1000);
    bucket.at = now;
    if (bucket.tokens >= 1) return undefined;
    return Math.max(1, Math.ceil((1 - bucket.tokens) / limit));
  }

  accepted(channel: 'sms' | 'email', to: string, now: number): void {
    const c = this.counts;
    c.total += 1;
    c[channel] += 1;
    c.perRecipient[to] = (c.perRecipient[to] ?? 0) + 1;
    c.acceptedAt.push(now);
    if (channel === 'sms' && this.bucket) this.bucket.tokens -= 1;
  }

  get currentCounts(): Counts {
    return this.counts;
  }

  resetCounts(): void {
    this.counts = emptyCounts();
    this.bucket = undefined;
  }

  isOptedOut(phone: string): boolean {
    return this.state.data.optedOut.includes(phone) || this.state.data.phones[phone]?.fate === 'opted-out';
  }

  /** The phone replied STOP (or another opt-out keyword): later sends to it are refused with 21610. */
  optOut(phone: string): void {
    if (!this.state.data.optedOut.includes(phone)) this.state.data.optedOut.push(phone);
    this.state.changed();
  }

  /** The phone replied START: it may be sent to again. */
  optIn(phone: string): void {
    this.state.data.optedOut = this.state.data.optedOut.filter((p) => p !== phone);
    if (this.state.data.phones[phone]?.fate === 'opted-out') delete this.state.data.phones[phone];
    this.state.changed();
  }
}

const noFailure = (): Failure => ({ count: 0, status: 429, retryAfterSeconds: 1 });
const emptyCounts = (): Counts => ({ total: 0, sms: 0, email: 0, perRecipient: {}, acceptedAt: [] });

/** The control request, or a RangeError naming what is wrong with it. */
export function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new RangeError(z.prettifyError(result.error));
  return result.data;
}
