import type { Answer, SandboxContext } from './http';
import { messageJson, TWILIO_PREFIX, twilioError } from './twilio-resource';
import type { SmsRecord } from './state';

/**
 * `GET .../Messages.json`, as Twilio pages it: newest first; filters `To`, `From`, `DateSent`
 * (that UTC day), `DateSent>` (sent on or after) and `DateSent<` (sent on or before) — written
 * `DateSent>=2026-05-01` or `DateSent%3E=2026-05-01T10:00:00Z` on the wire, the `>` being part of
 * the name; a date alone is its midnight UTC. Messages not sent yet (no date_sent) match no date
 * filter. `PageSize` (default 50, at most 1000); `next_page_uri` carries `Page` and a `PageToken`
 * (`PA` + the last sid of this page), `previous_page_uri` a `PB` token.
 */
export function listMessages(ctx: SandboxContext, url: URL): Answer {
  const q = url.searchParams;
  const filters: ((m: SmsRecord) => boolean)[] = [];
  const to = q.get('To');
  const from = q.get('From');
  if (to) filters.push((m) => m.to === to);
  if (from) filters.push((m) => m.from === from);
  for (const [name, test] of [
    ['DateSent', (sent: number, at: number) => new Date(sent).toISOString().slice(0, 10) === new Date(at).toISOString().slice(0, 10)],
    ['DateSent>', (sent: number, at: number) => sent >= at],
    ['DateSent<', (sent: number, at: number) => sent <= at],
  ] as const) {
    const value = q.get(name);
    if (value === null) continue;
    const at = parseDate(value);
    if (at === undefined) return twilioError(400, 20001, `Invalid value for ${name}: ${value}`);
    filters.push((m) => m.dateSent !== null && test(Date.parse(m.dateSent), at));
  }
  const pageSize = Number(q.get('PageSize') ?? '50');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) return twilioError(400, 20001, 'PageSize must be between 1 and 1000');
  const page = Number(q.get('Page') ?? '0');
  if (!Number.isInteger(page) || page < 0) return twilioError(400, 20001, 'Page must be a non-negative integer');

  const matching = ctx.state.data.messages.filter((m): m is SmsRecord => m.channel === 'sms' && filters.every((f) => f(m))).reverse();
  const token = q.get('PageToken');
  let first = page * pageSize;
  if (token) {
    const at = matching.findIndex((m) => m.sid === token.slice(2));
    if (at < 0 || !/^P[AB]/.test(token)) return twilioError(400, 20001, `Invalid PageToken ${token}`);
    first = token.startsWith('PA') ? at + 1 : Math.max(0, at - pageSize);
  }
  const slice = matching.slice(first, first + pageSize);
  const { accountSid } = ctx.state.data.credentials;
  const uri = (p: number, pageToken?: string) => {
    const params = new URLSearchParams([...q].filter(([name]) => !['PageSize', 'Page', 'PageToken'].includes(name)));
    params.set('PageSize', String(pageSize));
    params.set('Page', String(p));
    if (pageToken) params.set('PageToken', pageToken);
    return `${TWILIO_PREFIX}/Accounts/${accountSid}/Messages.json?${params.toString()}`;
  };
  const last = slice.at(-1);
  const hasNext = last !== undefined && first + pageSize < matching.length;
  return {
    status: 200,
    body: {
      messages: slice.map((m) => messageJson(ctx, m)),
      end: first + Math.max(slice.length, 1) - 1,
      first_page_uri: uri(0),
      next_page_uri: hasNext ? uri(page + 1, `PA${last.sid}`) : null,
      page,
      page_size: pageSize,
      previous_page_uri: first > 0 && slice[0] ? uri(Math.max(0, page - 1), `PB${slice[0].sid}`) : null,
      start: first,
      uri: uri(page, token ?? undefined),
    },
  };
}

/** `2026-05-01` (its midnight UTC) or an ISO 8601 date-time; epoch ms, or undefined when neither. */
function parseDate(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) return undefined;
  const at = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(at) ? undefined : at;
}
