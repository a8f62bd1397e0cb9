import { agreementBody, assertSigningSteps } from './agreement-body';
import type { AdobeSignConfig } from './config';
import { ESignConflictError, ESignRejectedError, ESignUnavailableError } from './errors';
import { AccessTokens } from './tokens';
import type { AgreementEvent, AgreementSummary, AgreementView, CreatedAgreement, ESignature, NewAgreement, Recall } from './types';
import { agreementEvents, authenticationMethods, errorCode, exchange, failure, signingUrlOf, type Fetch } from './wire';

export interface AdobeSignOptions {
  /** Any API host of the account, e.g. `https://api.eu1.adobesign.com`: `GET /baseUris` is asked there. */
  apiHost: string;
  tokens: AccessTokens;
  timeoutMs: number;
  fetch?: Fetch;
}

/** Statuses from which an agreement can still be recalled. */
const IN_FLIGHT = /^(OUT_FOR_|WAITING_FOR_|AUTHORING$|DRAFT$|PREFILL$|DOCUMENTS_NOT_YET_PROCESSED$)/;
/** Statuses in which an agreement is, or is about to be, waiting for a signer. */
const SIGNABLE = /^(OUT_FOR_|WAITING_FOR_|DOCUMENTS_NOT_YET_PROCESSED$)/;

/**
 * Adobe Acrobat Sign REST v6. Every call carries a cached access token (refreshed and retried
 * once on a 401) and goes to the account's `apiAccessPoint` from `GET /baseUris` (cached; asked
 * again once when Adobe answers INVALID_API_ACCESS_POINT).
 *
 * Idempotent creation: `createAgreement` first lists the agreements created with the key
 * (`GET /agreements?externalId=`) and answers the first one instead of sending another. Adobe
 * has no idempotency key on `POST /agreements`, so two windows remain: two calls for the same
 * key running at the same time, and a retry that comes before Adobe's list shows an agreement
 * whose creation answer was lost. Callers close them by running one job per key at a time and
 * by recording the agreement id keyed by the contract id in their own transaction.
 */
export class AdobeSign implements ESignature {
  private apiBase: Promise<string> | undefined;
  private readonly fetch: Fetch;

  constructor(private readonly options: AdobeSignOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async createAgreement(input: NewAgreement): Promise<CreatedAgreement> {
    assertSigningSteps(input);
    const [existing] = await this.findByKey(input.key);
    if (existing) return { agreementId: existing.agreementId, created: false };
    const transientDocumentId = await this.uploadTransientDocument(input.document);
    const body = JSON.stringify(agreementBody(input, transientDocumentId));
    const response = await this.call('POST', '/agreements', { body, headers: { 'content-type': 'application/json' } }, 'create agreement');
    const { id } = (await response.json()) as { id: string };
    return { agreementId: id, created: true };
  }

  async findByKey(key: string): Promise<AgreementSummary[]> {
    const found: AgreementSummary[] = [];
    let cursor: string | undefined;
    do {
      // hidden agreements too: one a user hid from their list must still count as created
      const query = new URLSearchParams({ externalId: key, showHiddenAgreements: 'true', pageSize: '100', ...(cursor ? { cursor } : {}) });
      const response = await this.call('GET', `/agreements?${query.toString()}`, {}, 'list agreements');
      const page = (await response.json()) as { userAgreementList?: { id: string; name: string; status: string }[]; page?: { nextCursor?: string } };
      for (const a of page.userAgreementList ?? []) found.push({ agreementId: a.id, name: a.name, status: a.status });
      cursor = page.page?.nextCursor || undefined;
    } while (cursor);
    return found;
  }

  async getAgreement(agreementId: string): Promise<AgreementView> {
    const response = await this.call('GET', `/agreements/${encodeURIComponent(agreementId)}`, {}, 'get agreement');
    const a = (await response.json()) as { id: string; name: string; status: string; externalId?: { id?: string } };
    return { agreementId: a.id, name: a.name, status: a.status, key: a.externalId?.id };
  }

  async signedDocument(agreementId: string): Promise<Uint8Array> {
    return this.pdf(`/agreements/${encodeURIComponent(agreementId)}/combinedDocument`, 'combined document');
  }

  async auditTrail(agreementId: string): Promise<Uint8Array> {
    return this.pdf(`/agreements/${encodeURIComponent(agreementId)}/auditTrail`, 'audit trail');
  }

  /**
   * The audit trail as data: `GET /agreements/{id}/events`, each participant's authentication
   * method from `GET /agreements/{id}/members`.
   */
  async agreementEvents(agreementId: string): Promise<AgreementEvent[]> {
    const path = `/agreements/${encodeURIComponent(agreementId)}`;
    const [events, members] = await Promise.all([
      this.call('GET', `${path}/events`, {}, 'agreement events').then((r) => r.json()),
      this.call('GET', `${path}/members`, {}, 'agreement members').then((r) => r.json()),
    ]);
    return agreementEvents(events, authenticationMethods(members));
  }

  /** A refusal is a conflict when the agreement, read again, is no longer in flight (signed, cancelled, expired). */
  async recall(agreementId: string, recall: Recall): Promise<void> {
    const body = JSON.stringify({ state: 'CANCELLED', agreementCancellationInfo: { comment: recall.comment, notifyOthers: recall.notifyOthers } });
    const path = `/agreements/${encodeURIComponent(agreementId)}/state`;
    try {
      await this.call('PUT', path, { body, headers: { 'content-type': 'application/json' } }, 'recall agreement');
    } catch (error) {
      if (!(error instanceof ESignRejectedError) || error.status === 404) throw error;
      const { status } = await this.getAgreement(agreementId);
      if (!IN_FLIGHT.test(status)) throw new ESignConflictError(`agreement ${agreementId} is ${status}: it cannot be recalled`, agreementId, status);
      throw error;
    }
  }

  /**
   * `GET /agreements/{id}/signingUrls`: Adobe answers the current signers' URLs only. Its 404s:
   * AGREEMENT_NOT_EXPOSED (just created, not yet exposed for signing) is retryable;
   * AGREEMENT_EXPIRED a conflict; AGREEMENT_NOT_SIGNABLE ("not currently waiting for anyone to
   * sign it") is both the answer while the documents are still processed and the answer once it
   * is signed or cancelled, so the agreement is read again: still in flight, retryable; otherwise
   * a conflict. Any other refusal (INVALID_AGREEMENT_ID, AGREEMENT_NOT_VISIBLE...) is permanent.
   */
  async signingUrl(agreementId: string, signerEmail: string): Promise<string | undefined> {
    try {
      const response = await this.call('GET', `/agreements/${encodeURIComponent(agreementId)}/signingUrls`, {}, 'signing URLs');
      return signingUrlOf(await response.json(), signerEmail);
    } catch (error) {
      if (!(error instanceof ESignRejectedError)) throw error;
      const notSignable = (status: string) =>
        new ESignConflictError(`agreement ${agreementId} is ${status}: it cannot be signed`, agreementId, status, 'agreement-not-signable');
      const notYet = () => new ESignUnavailableError(`${error.message}: not ready for signing yet`, error.status, error.code, undefined, { cause: error });
      if (error.code === 'AGREEMENT_NOT_EXPOSED') throw notYet();
      if (error.code === 'AGREEMENT_EXPIRED') throw notSignable('EXPIRED');
      if (error.code !== 'AGREEMENT_NOT_SIGNABLE') throw error;
      const { status } = await this.getAgreement(agreementId);
      throw SIGNABLE.test(status) ? notYet() : notSignable(status);
    }
  }

  private async uploadTransientDocument(document: NewAgreement['document']): Promise<string> {
    const mimeType = document.mimeType ?? 'application/pdf';
    const form = new FormData();
    form.append('File-Name', document.fileName);
    form.append('Mime-Type', mimeType);
    form.append('File', new Blob([document.bytes], { type: mimeType }), document.fileName);
    const response = await this.call('POST', '/transientDocuments', { body: form }, 'upload transient document');
    const { transientDocumentId } = (await response.json()) as { transientDocumentId: string };
    return transientDocumentId;
  }

  private async pdf(path: string, what: string): Promise<Uint8Array> {
    const response = await this.call('GET', path, { headers: { accept: 'application/pdf' } }, what);
    return new Uint8Array(await response.arrayBuffer());
  }

  /** A v6 call on the account's access point; a stale access point is looked up again once. */
  private async call(method: string, path: string, init: { body?: RequestInit['body']; headers?: Record<string, string> }, what: string): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      const base = await this.baseUri();
      const response = await this.authorized(`${base}${path}`, { ...init, method });
      if (response.ok) return response;
      if (attempt === 1 && (await errorCode(response)) === 'INVALID_API_ACCESS_POINT') {
        this.apiBase = undefined;
        continue;
      }
      throw await failure(response, what);
    }
  }

  /** One request with the cached token; a 401 refreshes the token and tries once more. */
  private async authorized(url: string, init: RequestInit & { headers?: Record<string, string> }): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.options.tokens.get();
      const response = await exchange(this.fetch, url, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } }, this.options.timeoutMs);
      if (response.status !== 401 || attempt === 2) return response;
      this.options.tokens.invalidate(token);
    }
  }

  private baseUri(): Promise<string> {
    this.apiBase ??= this.fetchBaseUri().catch((error: unknown) => {
      this.apiBase = undefined;
      throw error;
    });
    return this.apiBase;
  }

  private async fetchBaseUri(): Promise<string> {
    const url = new URL('/api/rest/v6/baseUris', this.options.apiHost).toString();
    const response = await this.authorized(url, { method: 'GET' });
    if (!response.ok) throw await failure(response, 'base URIs');
    const { apiAccessPoint } = (await response.json()) as { apiAccessPoint?: unknown; webAccessPoint?: unknown };
    if (typeof apiAccessPoint !== 'string')
      throw new ESignRejectedError('Adobe Sign base URIs: no apiAccessPoint in the answer', response.status, 'INVALID_BASE_URIS');
    return new URL('api/rest/v6', apiAccessPoint.endsWith('/') ? apiAccessPoint : `${apiAccessPoint}/`).toString();
  }
}

/** The adapter from the parsed configuration (`adobeSignConfigSchema`). */
export function adobeSignFromConfig(config: AdobeSignConfig, deps: { fetch?: Fetch; now?: () => number } = {}): AdobeSign {
  const tokens = new AccessTokens({
    oauthHost: config.ADOBE_SIGN_OAUTH_HOST ?? config.ADOBE_SIGN_API_HOST,
    clientId: config.ADOBE_SIGN_CLIENT_ID,
    clientSecret: config.ADOBE_SIGN_CLIENT_SECRET,
    refreshToken: config.ADOBE_SIGN_REFRESH_TOKEN,
    timeoutMs: config.ADOBE_SIGN_TIMEOUT_MS,
    ...deps,
  });
  return new AdobeSign({ apiHost: config.ADOBE_SIGN_API_HOST, tokens, timeoutMs: config.ADOBE_SIGN_TIMEOUT_MS, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
}
