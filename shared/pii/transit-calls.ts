import { vaultReason, vaultStatus, type VaultSession } from '../secrets';
import { PiiUnavailableError } from './errors';

/** Statuses after which the same request may succeed later (api-docs "HTTP status codes"). */
const RETRYABLE = new Set([412, 429, 500, 502, 503, 504]);

/** One item of a transit `batch_results`: the value asked for, or the item's own `error`. */
export type BatchItem = Record<string, unknown> & { error?: string };

/**
 * The batch results carried by a 400 answer: transit answers a batch with any failed item with
 * `partial_failure_response_code` (default 400) and every item's result, failed ones with `error`
 * (api-docs/secret/transit "Decrypt data": batch_input). Undefined for any other failure.
 */
export function partialFailure(error: unknown): BatchItem[] | undefined {
  if (vaultStatus(error) !== 400) return undefined;
  const body = (error as { response?: { body?: { data?: { batch_results?: unknown } } } }).response?.body;
  const results = body?.data?.batch_results;
  return Array.isArray(results) ? (results as BatchItem[]) : undefined;
}

/**
 * Runs a Vault request on the session: renews the token when due first, and on 403 (token
 * expired or revoked) logs in again once and retries. Unreachable, sealed, busy or still refused
 * → `PiiUnavailableError`; anything else (a missing key, a bad request) is rethrown as an `Error`
 * naming the operation and Vault's status, with no cause attached (node-vault errors carry the
 * request and answer bodies, which hold personal data).
 */
export function transitCaller(session: VaultSession) {
  // One renewal and one login in flight at a time, however many calls ask for them.
  const inFlight = new Map<'keepAlive' | 'login', Promise<void>>();
  const once = (what: 'keepAlive' | 'login') => {
    let running = inFlight.get(what);
    if (!running) {
      running = session[what]().finally(() => inFlight.delete(what));
      inFlight.set(what, running);
    }
    return running;
  };

  const unavailable = (what: string, error: unknown) => new PiiUnavailableError(`Vault unavailable for ${what} (${vaultReason(error)})`, vaultStatus(error));

  return async function call<T>(what: string, request: () => Promise<T>, keep: (error: unknown) => boolean = () => false): Promise<T> {
    try {
      await once('keepAlive');
    } catch (error) {
      throw unavailable(what, error);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await request();
      } catch (error) {
        if (keep(error)) throw error;
        const status = vaultStatus(error);
        if (status === 403 && attempt === 1) {
          try {
            await once('login');
          } catch (loginError) {
            throw unavailable(what, loginError);
          }
          continue;
        }
        if (status === undefined || status === 403 || RETRYABLE.has(status)) throw unavailable(what, error);
        throw new Error(`Vault refused ${what} (${vaultReason(error)})`);
      }
    }
  };
}
export type TransitCall = ReturnType<typeof transitCaller>;
