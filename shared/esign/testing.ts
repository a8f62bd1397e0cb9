import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adobeError as error, invalidAgreement, type FakeAnswer as Answer } from './testing-requests';
import { signAs, signingUrlsAnswer, type SignableAgreement } from './testing-signing';

/**
 * An in-process Adobe Acrobat Sign REST v6 server for tests, speaking the subset the adapter
 * uses as Adobe does: the OAuth refresh-token grant, `GET /baseUris` (the API itself answers
 * only on the account's access point), multipart transient documents, agreements with their
 * validation, `externalId` search with cursors, PDFs, recall, the current signers' signing URLs
 * (`sign` moves the steps on, `testing-signing.ts`); `{code, message}` errors, 401 on an expired
 * token, 429 with `retryAfter` on request. Test support only.
 */
export interface FakeAdobeSignOptions {
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  tokenLifetimeSeconds?: number;
  now?: () => number;
  /** The largest page `GET /agreements` answers, whatever `pageSize` asks. */
  maxPageSize?: number;
}

export interface FakeAgreement extends SignableAgreement {
  cancellation?: { comment?: unknown; notifyOthers?: unknown };
  /** Its audit events as `GET /agreements/{id}/events` answers them (v6 `AgreementEvent`); none when set up by hand. */
  events?: Record<string, unknown>[];
}

export interface FakeTransientDocument {
  fileName: string;
  mimeType: string;
  partFileName: string;
  partType: string;
  bytes: Uint8Array;
}

const SHARD = '/shard/eu1/';

export class FakeAdobeSign {
  readonly agreements = new Map<string, FakeAgreement>();
  readonly transientDocuments = new Map<string, FakeTransientDocument>();
  /** Every request, in arrival order: method and path with query. */
  readonly requests: { method: string; path: string }[] = [];
  refreshes = 0;
  private readonly tokens = new Map<string, number>();
  private readonly injected: Answer[] = [];
  private late: { ms: number; match: (method: string, path: string) => boolean } | undefined;
  private server!: Server;
  url = '';

  private constructor(private readonly options: Required<FakeAdobeSignOptions>) {}

  static async start(options: FakeAdobeSignOptions = {}): Promise<FakeAdobeSign> {
    const fake = new FakeAdobeSign({
      clientId: 'fake-client-id',
      clientSecret: 'fake-client-secret',
      refreshToken: 'fake-refresh-token',
      tokenLifetimeSeconds: 3600,
      now: Date.now,
      maxPageSize: 100,
      ...options,
    });
    fake.server = createServer((req, res) => void fake.serve(req, res));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next API requests (not OAuth) get these answers instead, one each. */
  inject(...answers: Answer[]): void {
    this.injected.push(...answers);
  }

  /** A 429 as Adobe sends it: `retryAfter` in seconds in the body. */
  throttleNext(retryAfterSeconds: number): void {
    this.inject({ status: 429, body: { code: 'THROTTLING_TOO_MANY_REQUESTS', message: 'Too many requests', retryAfter: retryAfterSeconds } });
  }

  /** Every access token issued so far is refused from now on (401), as when it has expired. */
  expireAccessTokens(): void {
    this.tokens.clear();
  }

  /**
   * The next request that `match`es (any, unless told) is carried out, but answered only after
   * `ms`: the client may have given up while the effect stays, as with a lost answer.
   */
  answerNextLate(ms: number, match: (method: string, path: string) => boolean = () => true): void {
    this.late = { ms, match };
  }

  /** An audit event, as Adobe records one when a participant acts (e.g. `ACTION_COMPLETED` with `actingUserIpAddress`). */
  recordEvent(agreementId: string, event: Record<string, unknown>): void {
    const agreement = this.agreements.get(agreementId);
    if (!agreement) throw new Error(`no agreement ${agreementId}`);
    (agreement.events ??= []).push({ date: new Date(this.options.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'), ...event });
  }

  /** `email` signs (their step must be the current one), as on Adobe's signing page: the last signature makes it SIGNED. */
  sign(agreementId: string, email: string): void {
    const agreement = this.agreements.get(agreementId);
    if (!agreement) throw new Error(`no agreement ${agreementId}`);
    const signer = signAs(agreement, email);
    this.recordEvent(agreementId, {
      type: 'ACTION_COMPLETED',
      actingUserEmail: signer,
      participantEmail: signer,
      description: `Document e-signed by ${signer}`,
    });
  }

  setStatus(agreementId: string, status: string): void {
    const agreement = this.agreements.get(agreementId);
    if (!agreement) throw new Error(`no agreement ${agreementId}`);
    agreement.status = status;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search });
    let answer: Answer;
    try {
      answer = await this.route(req, url, body);
    } catch {
      answer = error(500, 'MISC_SERVER_ERROR', 'Some miscellaneous error has occurred');
    }
    const late = this.late;
    if (late?.match(req.method ?? 'GET', url.pathname + url.search)) {
      this.late = undefined;
      await new Promise((resolve) => setTimeout(resolve, late.ms));
    }
    if (res.destroyed) return;
    const payload = answer.body instanceof Uint8Array ? answer.body : answer.body === undefined ? undefined : JSON.stringify(answer.body);
    const type = answer.body instanceof Uint8Array ? 'application/pdf' : 'application/json;charset=UTF-8';
    res.writeHead(answer.status, { ...(payload === undefined ? {} : { 'content-type': type }), ...answer.headers });
    res.end(payload);
  }

  private async route(req: IncomingMessage, url: URL, body: Buffer): Promise<Answer> {
    const method = req.method ?? 'GET';
    if (url.pathname === '/oauth/v2/refresh' && method === 'POST') return this.refresh(req, body);
    const injected = this.injected.shift();
    if (injected) return injected;
    if (!this.authorized(req)) return error(401, 'INVALID_ACCESS_TOKEN', 'Access token provided is invalid or has expired');
    if (url.pathname === '/api/rest/v6/baseUris' && method === 'GET')
      return { status: 200, body: { apiAccessPoint: `${this.url}${SHARD}`, webAccessPoint: `${this.url}/web/` } };
    if (!url.pathname.startsWith(`${SHARD}api/rest/v6/`)) return error(400, 'INVALID_API_ACCESS_POINT', 'Request must be made to the correct API access point');
    const path = url.pathname.slice(`${SHARD}api/rest/v6`.length);
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (path === '/transientDocuments' && method === 'POST') return this.upload(req, body);
    if (path === '/agreements' && method === 'POST') return this.create(body);
    if (path === '/agreements' && method === 'GET') return this.search(url.searchParams);
    if (parts[0] !== 'agreements' || !parts[1]) return error(404, 'NOT_FOUND', 'Resource not found');
    const agreement = this.agreements.get(parts[1]);
    if (!agreement) return error(404, 'INVALID_AGREEMENT_ID', 'The Agreement ID specified is invalid');
    if (parts.length === 2 && method === 'GET') return { status: 200, body: this.view(agreement) };
    if (parts[2] === 'combinedDocument' && method === 'GET') return { status: 200, body: pdf(`combined ${agreement.id} ${agreement.status}`) };
    if (parts[2] === 'auditTrail' && method === 'GET') return { status: 200, body: pdf(`audit trail ${agreement.id}`) };
    if (parts[2] === 'state' && method === 'PUT') return this.changeState(agreement, body);
    if (parts[2] === 'events' && method === 'GET') return { status: 200, body: { events: agreement.events ?? [] } };
    if (parts[2] === 'members' && method === 'GET') return { status: 200, body: this.members(agreement) };
    if (parts[2] === 'signingUrls' && method === 'GET') return signingUrlsAnswer(agreement, this.url);
    return error(404, 'NOT_FOUND', 'Resource not found');
  }

  private refresh(req: IncomingMessage, body: Buffer): Answer {
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
      return { status: 400, body: { error: 'invalid_request', error_description: 'form expected' } };
    const form = new URLSearchParams(body.toString('utf8'));
    if (form.get('grant_type') !== 'refresh_token') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant_type' } };
    if (form.get('client_id') !== this.options.clientId || form.get('client_secret') !== this.options.clientSecret) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'Invalid client credentials' } };
    }
    if (form.get('refresh_token') !== this.options.refreshToken)
      return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid refresh token' } };
    this.refreshes += 1;
    const token = `at-${randomUUID()}`;
    this.tokens.set(token, this.options.now() + this.options.tokenLifetimeSeconds * 1000);
    return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: this.options.tokenLifetimeSeconds } };
  }

  private authorized(req: IncomingMessage): boolean {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const expiresAt = match?.[1] ? this.tokens.get(match[1]) : undefined;
    return expiresAt !== undefined && this.options.now() < expiresAt;
  }

  private async upload(req: IncomingMessage, body: Buffer): Promise<Answer> {
    const type = req.headers['content-type'] ?? '';
    if (!type.startsWith('multipart/form-data')) return error(400, 'INVALID_MULTIPART', 'multipart/form-data expected');
    const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': type }, body }).formData();
    const file = form.get('File');
    if (!(file instanceof File)) return error(400, 'MISSING_REQUIRED_PARAM', 'Required parameter File is missing');
    const id = `td-${randomUUID()}`;
    this.transientDocuments.set(id, {
      fileName: textField(form, 'File-Name') ?? file.name,
      mimeType: textField(form, 'Mime-Type') ?? file.type,
      partFileName: file.name,
      partType: file.type,
      bytes: new Uint8Array(await file.arrayBuffer()),
    });
    return { status: 201, body: { transientDocumentId: id } };
  }

  private create(raw: Buffer): Answer {
    const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    const problem = invalidAgreement(body, (id) => this.transientDocuments.has(id));
    if (problem) return problem;
    const id = `CBJCHBCAABAA${randomUUID().replace(/-/g, '')}`;
    const events = [{ type: 'CREATED', date: new Date(this.options.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'), description: 'Document created' }];
    this.agreements.set(id, { id, body, status: body.state === 'IN_PROCESS' ? 'OUT_FOR_SIGNATURE' : String(body.state), events });
    return { status: 201, body: { id } };
  }

  private search(query: URLSearchParams): Answer {
    const externalId = query.get('externalId');
    const all = [...this.agreements.values()].filter((a) => externalId === null || (a.body.externalId as { id?: string } | undefined)?.id === externalId);
    const pageSize = Math.min(Number(query.get('pageSize') ?? 20), this.options.maxPageSize);
    const start = Number(query.get('cursor') ?? 0);
    const page = all.slice(start, start + pageSize);
    const next = start + pageSize < all.length ? { nextCursor: String(start + pageSize) } : {};
    const userAgreementList = page.map((a) => ({ id: a.id, name: a.body.name, status: a.status, type: 'AGREEMENT', esign: true, hidden: false }));
    return { status: 200, body: { userAgreementList, page: next } };
  }

  private view(a: FakeAgreement): Record<string, unknown> {
    const { fileInfos: _files, ...rest } = a.body;
    return { ...rest, id: a.id, status: a.status };
  }

  /** `GET /agreements/{id}/members`: the participant sets as created, with each member's security option. */
  private members(a: FakeAgreement): Record<string, unknown> {
    const sets = (a.body.participantSetsInfo ?? []) as { memberInfos: { email: string; securityOption?: unknown }[]; order: number; role: string }[];
    return {
      participantSets: sets.map((set, i) => ({
        id: `ps-${i + 1}`,
        order: set.order,
        role: set.role,
        memberInfos: set.memberInfos.map((m) => ({ email: m.email, securityOption: m.securityOption ?? { authenticationMethod: 'NONE' } })),
      })),
    };
  }

  private changeState(agreement: FakeAgreement, raw: Buffer): Answer {
    const body = JSON.parse(raw.toString('utf8')) as { state?: string; agreementCancellationInfo?: FakeAgreement['cancellation'] };
    if (body.state !== 'CANCELLED') return error(400, 'INVALID_STATE', `cannot move to ${String(body.state)}`);
    if (!agreement.status.startsWith('OUT_FOR_')) return error(400, 'INVALID_STATE', `The agreement is ${agreement.status}`);
    agreement.status = 'CANCELLED';
    if (body.agreementCancellationInfo) agreement.cancellation = body.agreementCancellationInfo;
    const comment = body.agreementCancellationInfo?.comment;
    this.recordEvent(agreement.id, { type: 'RECALLED', description: 'Document cancelled by the sender', ...(typeof comment === 'string' ? { comment } : {}) });
    return { status: 204 };
  }
}

function pdf(text: string): Uint8Array {
  return new TextEncoder().encode(`%PDF-1.7\n% ${text}\n%%EOF\n`);
}

function textField(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === 'string' ? value : undefined;
}
