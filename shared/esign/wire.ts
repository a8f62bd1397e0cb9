import { ESignRejectedError, ESignUnavailableError } from './errors';
import type { AgreementEvent } from './types';

export type Fetch = typeof fetch;

/** One HTTP exchange with Adobe: no answer within `timeoutMs`, or no connection, is retryable. */
export async function exchange(doFetch: Fetch, url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  try {
    return await doFetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const what = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'no connection';
    throw new ESignUnavailableError(`Adobe Sign ${init.method ?? 'GET'} ${new URL(url).pathname}: ${what}`, undefined, undefined, undefined, {
      cause: error,
    });
  }
}

interface AdobeErrorBody {
  code?: unknown;
  message?: unknown;
  retryAfter?: unknown;
  error?: unknown;
}

/**
 * A non-2xx answer as a typed error. Adobe answers `{code, message}` (OAuth: `{error,
 * error_description}`); a 429 carries `retryAfter` in seconds (a `Retry-After` header is read
 * when the body has none). 408, 429 and 5xx are retryable; every other status is permanent.
 */
export async function failure(response: Response, what: string): Promise<ESignUnavailableError | ESignRejectedError> {
  const body = await readJson(response);
  const code = typeof body.code === 'string' ? body.code : typeof body.error === 'string' ? body.error : `HTTP_${response.status}`;
  const message = `Adobe Sign ${what}: ${response.status} ${code}`;
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    return new ESignUnavailableError(message, response.status, code, retryAfterMs(body, response.headers));
  }
  return new ESignRejectedError(message, response.status, code);
}

/** The code of an error answer, for the two cases the adapter acts on (401, a stale access point). */
export async function errorCode(response: Response): Promise<string | undefined> {
  const body = await readJson(response.clone());
  return typeof body.code === 'string' ? body.code : undefined;
}

function retryAfterMs(body: AdobeErrorBody, headers: Headers): number | undefined {
  const seconds = typeof body.retryAfter === 'number' ? body.retryAfter : Number(headers.get('retry-after') ?? Number.NaN);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : undefined;
}

async function readJson(response: Response): Promise<AdobeErrorBody> {
  try {
    const parsed: unknown = await response.json();
    return parsed !== null && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}

/** Adobe v6 `AgreementEvent`, the fields read. */
interface AgreementEventWire {
  type?: unknown;
  date?: unknown;
  actingUserEmail?: unknown;
  participantEmail?: unknown;
  actingUserIpAddress?: unknown;
  description?: unknown;
  comment?: unknown;
}

/** `GET /agreements/{id}/members`: each participant's email and authentication method. */
export function authenticationMethods(body: unknown): Map<string, string> {
  const methods = new Map<string, string>();
  const sets = (body as { participantSets?: { memberInfos?: { email?: unknown; securityOption?: { authenticationMethod?: unknown } }[] }[] } | null)
    ?.participantSets;
  for (const set of Array.isArray(sets) ? sets : []) {
    for (const member of Array.isArray(set.memberInfos) ? set.memberInfos : []) {
      if (typeof member.email !== 'string') continue;
      const method = member.securityOption?.authenticationMethod;
      methods.set(member.email.toLowerCase(), typeof method === 'string' ? method : 'NONE');
    }
  }
  return methods;
}

/**
 * `GET /agreements/{id}/events` (`{events: AgreementEvent[]}`) in the business's words, oldest
 * first; an event without a type or a readable date is left out. The authentication method is the
 * one the agreement asks of the event's participant (`authenticationMethods`).
 */
export function agreementEvents(body: unknown, methods: ReadonlyMap<string, string>): AgreementEvent[] {
  const events = (body as { events?: unknown } | null)?.events;
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const parsed = (Array.isArray(events) ? (events as AgreementEventWire[]) : []).flatMap((e): AgreementEvent[] => {
    const type = text(e.type);
    const at = typeof e.date === 'string' ? new Date(e.date) : undefined;
    if (!type || !at || Number.isNaN(at.getTime())) return [];
    const actorEmail = text(e.actingUserEmail);
    const participantEmail = text(e.participantEmail);
    const ipAddress = text(e.actingUserIpAddress);
    const description = text(e.description);
    const comment = text(e.comment);
    const authenticationMethod = participantEmail ? methods.get(participantEmail.toLowerCase()) : undefined;
    return [
      {
        type,
        at,
        ...(actorEmail ? { actorEmail } : {}),
        ...(participantEmail ? { participantEmail } : {}),
        ...(ipAddress ? { ipAddress } : {}),
        ...(authenticationMethod ? { authenticationMethod } : {}),
        ...(description ? { description } : {}),
        ...(comment ? { comment } : {}),
      },
    ];
  });
  return parsed.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/**
 * `GET /agreements/{id}/signingUrls` (`{signingUrlSetInfos: [{signingUrls: [{email, esignUrl}],
 * signingUrlSetName?}]}`, the current signers only): the URL of `email`, compared in any case.
 */
export function signingUrlOf(body: unknown, email: string): string | undefined {
  const sets = (body as { signingUrlSetInfos?: unknown } | null)?.signingUrlSetInfos;
  const wanted = email.toLowerCase();
  for (const set of Array.isArray(sets) ? (sets as { signingUrls?: unknown }[]) : []) {
    for (const url of Array.isArray(set.signingUrls) ? (set.signingUrls as { email?: unknown; esignUrl?: unknown }[]) : []) {
      if (typeof url.email === 'string' && url.email.toLowerCase() === wanted && typeof url.esignUrl === 'string' && url.esignUrl) return url.esignUrl;
    }
  }
  return undefined;
}
