import { z } from 'zod';
import { InvalidInputError, issuesFromZod } from '../../shared/errors';
import { bytesBody } from '../../shared/http/route';
import type { TwilioParams } from '../../shared/notify/signatures';

/** Twilio posts its webhooks form-encoded; the route takes the bytes (the signature covers them). */
export const twilioForm = bytesBody({ contentType: 'application/x-www-form-urlencoded', maxBytes: 64 * 1024 });

/** A form body's parameters; a repeated one keeps every value (the signature counts each). */
export function formParams(raw: Buffer | undefined): TwilioParams {
  const params: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(raw?.toString('utf8') ?? '')) {
    const seen = params[name];
    params[name] = seen === undefined ? value : [...(typeof seen === 'string' ? [seen] : seen), value];
  }
  return params;
}

/** The form's fields checked by a schema (the first value of a repeated one); 400 naming the fields otherwise. */
export function readForm<S extends z.ZodType>(schema: S, raw: Buffer): z.infer<S> {
  const fields = Object.fromEntries(Object.entries(formParams(raw)).map(([name, value]) => [name, typeof value === 'string' ? value : value[0]]));
  const result = schema.safeParse(fields);
  if (result.success) return result.data;
  const issues = issuesFromZod(result.error);
  throw new InvalidInputError(`invalid body: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues);
}

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** A message status callback (Programmable Messaging `StatusCallback`). */
export const statusCallback = z.object({
  MessageSid: z.string().min(1).max(100),
  MessageStatus: z.string().min(1).max(30),
  ErrorCode: optionalText,
  ErrorMessage: optionalText,
  To: optionalText,
});
export type StatusCallback = z.infer<typeof statusCallback>;

/** `?requestId=` of the status callback URL the sender gave Twilio. */
export const statusQuery = z.object({ requestId: z.uuid().optional() });

/** An inbound SMS to one of the senders. */
export const inboundSms = z.object({
  MessageSid: z.string().min(1).max(100),
  From: z.string().min(1).max(50),
  Body: z.string().max(2000).default(''),
});
export type InboundSms = z.infer<typeof inboundSms>;

/**
 * One event of SendGrid's event webhook. `custom_args` of the send are flattened into the event
 * (`requestId`); `sg_message_id` is the X-Message-Id the send answered, a dot and a suffix.
 */
export const sendGridEvent = z.looseObject({
  sg_event_id: z.string().min(1).max(200),
  event: z.string().min(1).max(50),
  email: z.string().max(320).optional(),
  sg_message_id: z.string().max(300).optional(),
  requestId: z.string().optional(),
  type: z.string().optional(),
  reason: z.string().optional(),
  status: z.string().optional(),
  timestamp: z.number().optional(),
});
export type SendGridEvent = z.infer<typeof sendGridEvent>;
export const sendGridBatch = z.array(sendGridEvent).max(10_000);

export const tokenParams = z.object({ token: z.string().min(1).max(2000) });
