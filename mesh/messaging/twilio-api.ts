import { smsSegments } from '../../shared/notify/sms-segments';
import type { Answer, Request, SandboxContext } from './http';
import { listMessages } from './twilio-list';
import { messageJson, twilioError } from './twilio-resource';
import { startLifecycle } from './twilio-phones';
import { rfc2822, twilioSid, type SmsRecord } from './state';

/**
 * Twilio Programmable Messaging, the subset the SMS adapter uses, under `/2010-04-01`:
 *
 *   POST /Accounts/{AccountSid}/Messages.json        To, From | MessagingServiceSid, Body, StatusCallback
 *   GET  /Accounts/{AccountSid}/Messages.json        To, From, DateSent, DateSent>, DateSent<, PageSize, Page, PageToken
 *   GET  /Accounts/{AccountSid}/Messages/{Sid}.json
 *
 * HTTP Basic auth AccountSid:AuthToken; errors as Twilio's JSON `{code, message, more_info, status}`.
 */
const E164 = /^\+[1-9]\d{6,14}$/;
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;
const SERVICE_SID = /^MG[0-9a-f]{32}$/;

export function twilioRoute(ctx: SandboxContext, r: Request): Answer {
  const { accountSid, authToken } = ctx.state.data.credentials;
  if (!basicAuth(r.authorization, accountSid, authToken)) return twilioError(401, 20003, 'Authenticate');
  const notFound = () => twilioError(404, 20404, `The requested resource ${r.url.pathname} was not found`);
  const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages(?:\/([^/]+))?\.json$/.exec(r.url.pathname);
  if (!match || match[1] !== accountSid) return notFound();
  const sid = match[2];
  if (sid === undefined && r.method === 'POST') return createMessage(ctx, r);
  if (sid === undefined && r.method === 'GET') return listMessages(ctx, r.url);
  if (sid !== undefined && r.method === 'GET') {
    const sms = ctx.state.sms(sid);
    return sms ? { status: 200, body: messageJson(ctx, sms) } : notFound();
  }
  return twilioError(405, 20004, 'Method not allowed');
}

function basicAuth(header: string | undefined, user: string, password: string): boolean {
  const encoded = /^Basic\s+(\S+)$/i.exec(header ?? '')?.[1];
  if (!encoded) return false;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 && decoded.slice(0, colon) === user && decoded.slice(colon + 1) === password;
}

function createMessage(ctx: SandboxContext, r: Request): Answer {
  const forced = ctx.controls.forcedFailure('sms');
  if (forced?.status === 429) return twilioError(429, 20429, 'Too Many Requests', { 'retry-after': String(forced.retryAfterSeconds) });
  if (forced?.status === 503) return twilioError(503, 20503, 'Service Unavailable', { 'retry-after': String(forced.retryAfterSeconds) });
  const now = Date.now();
  const wait = ctx.controls.rateLimited(now);
  if (wait !== undefined) return twilioError(429, 20429, 'Too Many Requests', { 'retry-after': String(wait) });

  const form = r.contentType.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(r.body.toString('utf8')) : new URLSearchParams();
  const to = form.get('To') ?? '';
  const from = form.get('From');
  const service = form.get('MessagingServiceSid');
  const body = form.get('Body') ?? '';
  const callback = form.get('StatusCallback');
  if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
  if (!from && !service) return twilioError(400, 21603, "A 'From' phone number is required.");
  if (from && !E164.test(from) && !ALPHANUMERIC_SENDER.test(from)) {
    return twilioError(400, 21212, `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`);
  }
  if (!from && service && !SERVICE_SID.test(service)) return twilioError(400, 21701, `The Messaging Service Sid ${service} is invalid.`);
  if (!body) return twilioError(400, 21602, 'Message body is required.');
  if (body.length > 1600) return twilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
  if (callback && !isHttpUrl(callback)) return twilioError(400, 21609, `The StatusCallback URL ${callback} is not a valid URL.`);
  if (!E164.test(to) || ctx.state.data.phones[to]?.fate === 'invalid') return twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
  if (ctx.controls.isOptedOut(to)) return twilioError(400, 21610, 'Attempt to send to unsubscribed recipient');

  const { segments, encoding } = smsSegments(body);
  const created = rfc2822(new Date(now));
  const sms: SmsRecord = {
    channel: 'sms',
    sid: twilioSid('SM'),
    direction: 'outbound-api',
    to,
    // With a Messaging Service, Twilio picks the sender later: `from` is null and the status
    // `accepted` until then (and num_segments "0", as Twilio documents it).
    from: from ?? null,
    messagingServiceSid: from ? null : service,
    body,
    status: from ? 'queued' : 'accepted',
    segments,
    encoding,
    dateCreated: created,
    dateSent: null,
    dateUpdated: created,
    price: null,
    errorCode: null,
    errorMessage: null,
    statusCallback: callback,
  };
  ctx.state.data.messages.push(sms);
  ctx.state.changed();
  ctx.controls.accepted('sms', to, now);
  startLifecycle(ctx, sms);
  return { status: 201, body: messageJson(ctx, sms) };
}

const isHttpUrl = (value: string) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
