import type { SendOutcome } from './types';

/** A send that got no HTTP answer: certainly not taken (`retry`) or perhaps taken (`unknown`). */
export type NoAnswer = Extract<SendOutcome, { outcome: 'retry' | 'unknown' }>;

/**
 * Error codes (Node's, undici's) raised before a connection existed, so before a byte of the
 * request was written: the provider cannot have taken the message.
 */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * One HTTP exchange with a provider, bounded by `timeoutMs`. Failing to get an answer is told
 * apart by what the provider may have seen: a connection never made is `retry`; a timeout or a
 * connection lost after the request may have been written is `unknown`.
 */
export async function exchange(url: string, init: RequestInit, timeoutMs: number): Promise<Response | NoAnswer> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') return { outcome: 'unknown', code: 'timeout', reason: `no answer within ${timeoutMs} ms` };
    const code = networkCode(error);
    if (code && NEVER_CONNECTED.has(code)) return { outcome: 'retry', code: 'connect', reason: `no connection (${code})` };
    return { outcome: 'unknown', code: 'network', reason: `connection lost (${code ?? 'no code'})` };
  }
}

/** Reads a JSON answer; a body that cannot be read in time or parsed is `undefined`. */
export async function readJson(response: Response): Promise<unknown> {
  try {
    const body: unknown = await response.json();
    return body;
  } catch {
    return undefined;
  }
}

/** `Retry-After` in milliseconds: delay-seconds or an HTTP date (RFC 9110 §10.2.3); `undefined` when absent or unreadable. */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The system error code of a failed fetch (`TypeError('fetch failed')` with the socket error as `cause`). */
function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const inner = (e as { errors?: unknown }).errors;
    if (Array.isArray(inner) && inner.length > 0) return networkCode(inner[0]);
  }
  return undefined;
}
