import { randomBytes } from 'node:crypto';
import type { Answer, Request, SandboxContext } from './http';
import { startEvents } from './sendgrid-events';
import type { EmailRecord } from './state';

/**
 * SendGrid v3 `POST /v3/mail/send`, the subset the email adapter uses: Bearer API key; the body
 * validated as SendGrid does (every error in one `{errors: [{message, field, help}]}`, the field
 * named as a path); 202 with no body and `X-Message-Id`; then the event webhook (sendgrid-events).
 */
export const MAIL_SEND = '/v3/mail/send';

interface SendgridError {
  message: string;
  field: string | null;
  help: string | null;
}

const HELP = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const errors = (status: number, list: SendgridError[], headers?: Record<string, string>): Answer => ({
  status,
  body: { errors: list },
  ...(headers ? { headers } : {}),
});
const invalid = (field: string, message: string): SendgridError => ({ message, field, help: `${HELP}#message.${field.replace(/\.\d+/g, '')}` });

export function sendgridRoute(ctx: SandboxContext, r: Request): Answer {
  if (r.url.pathname !== MAIL_SEND) return errors(404, [{ message: 'Not Found', field: null, help: null }]);
  if (r.method !== 'POST') return errors(405, [{ message: 'Method Not Allowed', field: null, help: null }]);
  const key = /^Bearer\s+(\S+)$/i.exec(r.authorization ?? '')?.[1];
  if (key !== ctx.state.data.credentials.sendgridApiKey) {
    return errors(401, [{ message: 'The provided authorization grant is invalid, expired, or revoked', field: null, help: null }]);
  }
  const forced = ctx.controls.forcedFailure('email');
  if (forced?.status === 429) {
    const reset = String(Math.floor(Date.now() / 1000) + forced.retryAfterSeconds);
    return errors(429, [{ message: 'too many requests', field: null, help: null }], {
      'x-ratelimit-limit': '600',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': reset,
    });
  }
  if (forced?.status === 503) return errors(503, [{ message: 'Service Unavailable', field: null, help: null }]);
  let mail: unknown;
  try {
    mail = JSON.parse(r.body.toString('utf8'));
  } catch {
    return errors(400, [{ message: 'Bad Request', field: null, help: null }]);
  }
  const problems = validate(mail);
  if (problems.length > 0) return errors(400, problems);
  const messageId = randomBytes(16).toString('base64url');
  const records = recipients(mail as Mail, messageId);
  const now = Date.now();
  for (const record of records) {
    ctx.state.data.messages.push(record);
    ctx.controls.accepted('email', record.to, now);
  }
  ctx.state.changed();
  startEvents(ctx, records);
  return { status: 202, headers: { 'x-message-id': messageId } };
}

interface Address {
  email: string;
  name?: string;
}
interface Personalization {
  to: Address[];
  cc?: Address[];
  bcc?: Address[];
  subject?: string;
  headers?: Record<string, string>;
  custom_args?: Record<string, string>;
}
interface Mail {
  personalizations: Personalization[];
  from: Address;
  subject?: string;
  content: { type: string; value: string }[];
  headers?: Record<string, string>;
  custom_args?: Record<string, string>;
  categories?: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringMap = (v: unknown) => v === undefined || (isObject(v) && Object.values(v).every((x) => typeof x === 'string'));

function validate(mail: unknown): SendgridError[] {
  if (!isObject(mail)) return [{ message: 'Bad Request', field: null, help: null }];
  const found: SendgridError[] = [];
  const { personalizations, from, content } = mail;
  if (!Array.isArray(personalizations) || personalizations.length === 0) {
    found.push(invalid('personalizations', 'The personalizations field is required and must have at least one personalization.'));
  } else {
    personalizations.forEach((p: unknown, i) => {
      const to = isObject(p) ? p.to : undefined;
      if (!Array.isArray(to) || to.length === 0) {
        found.push(
          invalid(
            `personalizations.${i}.to`,
            'The to array is required for all personalization objects, and must have at least one email object with a valid email address.',
          ),
        );
        return;
      }
      for (const list of ['to', 'cc', 'bcc'] as const) {
        const addresses = (p as Record<string, unknown>)[list];
        if (!Array.isArray(addresses)) continue;
        addresses.forEach((a: unknown, j) => {
          if (!isObject(a) || typeof a.email !== 'string' || !EMAIL.test(a.email))
            found.push(invalid(`personalizations.${i}.${list}.${j}.email`, 'Does not contain a valid address.'));
        });
      }
      if (!isStringMap((p as Record<string, unknown>).custom_args)) found.push(invalid(`personalizations.${i}.custom_args`, 'Custom args must be strings.'));
    });
  }
  if (!isObject(from) || typeof from.email !== 'string') {
    found.push(
      invalid(
        'from.email',
        'The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.  e.g. {"email" : "example@example.com"}  or {"email" : "example@example.com", "name" : "Example Recipient"}.',
      ),
    );
  } else if (!EMAIL.test(from.email)) found.push(invalid('from.email', 'The from email does not contain a valid address.'));
  const everyHasSubject = Array.isArray(personalizations) && personalizations.every((p) => isObject(p) && typeof p.subject === 'string' && p.subject !== '');
  if ((typeof mail.subject !== 'string' || mail.subject === '') && !everyHasSubject) {
    found.push(
      invalid(
        'subject',
        'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.',
      ),
    );
  }
  if (!Array.isArray(content) || content.length === 0) {
    found.push(
      invalid(
        'content',
        'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.',
      ),
    );
  } else {
    content.forEach((c: unknown, i) => {
      if (!isObject(c) || typeof c.type !== 'string' || c.type === '')
        found.push(invalid(`content.${i}.type`, 'The content type cannot contain ";", or CRLF characters, and must be at least one character.'));
      else if (typeof c.value !== 'string' || c.value === '')
        found.push(invalid(`content.${i}.value`, 'The content value must be a string at least one character in length.'));
    });
    const types = content.map((c: unknown) => (isObject(c) ? c.type : undefined));
    const plain = types.indexOf('text/plain');
    const html = types.indexOf('text/html');
    if (plain > 0 || (html >= 0 && html !== (plain === 0 ? 1 : 0))) {
      found.push(invalid('content', 'If present, text/plain content must be first, followed by text/html, followed by any other content.'));
    }
  }
  if (!isStringMap(mail.custom_args)) found.push(invalid('custom_args', 'Custom args must be strings.'));
  if (!isStringMap(mail.headers)) found.push(invalid('headers', 'Invalid type. Expected: object, given: string.'));
  if (mail.categories !== undefined && (!Array.isArray(mail.categories) || mail.categories.some((c) => typeof c !== 'string'))) {
    found.push(invalid('categories', 'The categories must be strings.'));
  }
  return found;
}

/** One record per recipient (to, cc, bcc of each personalization), its fields merged as SendGrid does. */
function recipients(mail: Mail, messageId: string): EmailRecord[] {
  const text = mail.content.find((c) => c.type === 'text/plain')?.value ?? '';
  const html = mail.content.find((c) => c.type === 'text/html')?.value ?? '';
  const at = new Date().toISOString();
  let index = 0;
  return mail.personalizations.flatMap((p) =>
    [...p.to, ...(p.cc ?? []), ...(p.bcc ?? [])].map((address): EmailRecord => ({
      channel: 'email',
      messageId,
      sgMessageId: `${messageId}.filterdrecv-${randomBytes(5).toString('hex')}-1-${Math.floor(Date.now() / 1000)
        .toString(16)
        .toUpperCase()}-${index++}.0`,
      to: address.email,
      from: mail.from.email,
      subject: p.subject ?? mail.subject ?? '',
      text,
      html,
      status: 'processed',
      at,
      customArgs: { ...mail.custom_args, ...p.custom_args },
      headers: { ...mail.headers, ...p.headers },
      categories: mail.categories ?? [],
    })),
  );
}
