import { SandboxRefusal, type Agreements } from './agreements';
import type { Chaos } from './chaos';
import { auditTrail, combinedDocument } from './documents';
import { signingUrls } from './signing-urls';
import { adobeDate, newId, type SandboxAgreement, type SandboxState } from './state';
import type { Webhooks } from './webhooks';

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const adobeError = (status: number, code: string, message: string): Answer => ({ status, body: { code, message } });

export interface ApiContext {
  state: SandboxState;
  agreements: Agreements;
  webhooks: Webhooks;
  chaos: Chaos;
  /** The API application of the caller's access token. */
  clientId: string;
  /** This sandbox as the caller reached it (`http://host:port`), for the URLs it answers. */
  origin: string;
}

export interface ApiRequest {
  method: string;
  /** The path after `/api/rest/v6`. */
  path: string;
  query: URLSearchParams;
  contentType: string;
  body: Buffer;
}

/**
 * Adobe Acrobat Sign REST v6, the subset the adapter (`shared/esign/adobe-sign.ts`) uses, with
 * Adobe's answers: transient documents (multipart), agreements (create, search by `externalId`
 * with cursors, read, members, combined document, audit trail, events, recall, signing URLs)
 * and webhooks.
 */
export async function apiRoute(ctx: ApiContext, req: ApiRequest): Promise<Answer> {
  const { method, path } = req;
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (path === '/transientDocuments' && method === 'POST') return upload(ctx, req);
  if (path === '/agreements' && method === 'POST') return { status: 201, body: { id: ctx.agreements.create(json(req.body)).id } };
  if (path === '/agreements' && method === 'GET') return search(ctx, req.query);
  if (path === '/webhooks' && method === 'POST') return { status: 201, body: { id: (await ctx.webhooks.register(json(req.body), ctx.clientId)).id } };
  if (path === '/webhooks' && method === 'GET') return listWebhooks(ctx);
  if (parts[0] !== 'agreements' || !parts[1] || parts.length > 3) return adobeError(404, 'NOT_FOUND', 'Resource not found');
  const agreement = ctx.state.agreement(parts[1]);
  if (!agreement) return adobeError(404, 'INVALID_AGREEMENT_ID', 'The Agreement ID specified is invalid');
  const action = parts[2] ?? '';
  if (method === 'GET' && action === '') return { status: 200, body: view(agreement) };
  if (method === 'GET' && action === 'members') return { status: 200, body: members(agreement) };
  if (method === 'GET' && action === 'events') return { status: 200, body: { events: agreement.events.map(({ id: _id, ...e }) => e) } };
  if (method === 'GET' && action === 'auditTrail') return { status: 200, body: await auditTrail(agreement) };
  if (method === 'GET' && action === 'combinedDocument') {
    const original = ctx.state.data.transientDocuments[agreement.transientDocumentId];
    if (!original) return adobeError(404, 'INVALID_DOCUMENT_ID', 'The document is no longer available');
    return { status: 200, body: await combinedDocument(agreement, original) };
  }
  if (method === 'GET' && action === 'signingUrls') {
    if (ctx.chaos.notExposedYet()) return adobeError(404, 'AGREEMENT_NOT_EXPOSED', 'Agreement is not exposed for signing');
    return signingUrls(agreement, ctx.origin);
  }
  if (method === 'PUT' && action === 'state') return changeState(ctx, agreement, json(req.body));
  return adobeError(404, 'NOT_FOUND', 'Resource not found');
}

/** A body that is not a JSON object is Adobe's 400. */
function json(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // refused below
  }
  throw new SandboxRefusal(400, 'INVALID_JSON', 'The request body is not a JSON object');
}

async function upload(ctx: ApiContext, req: ApiRequest): Promise<Answer> {
  if (!req.contentType.startsWith('multipart/form-data')) return adobeError(400, 'INVALID_MULTIPART', 'multipart/form-data expected');
  const form = await new Request('http://sandbox/', { method: 'POST', headers: { 'content-type': req.contentType }, body: req.body }).formData();
  const file = form.get('File');
  if (!(file instanceof File)) return adobeError(400, 'MISSING_REQUIRED_PARAM', 'Required parameter File is missing');
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' && value ? value : undefined;
  };
  const id = newId('CBJCHBCAABAAtd');
  ctx.state.data.transientDocuments[id] = {
    id,
    fileName: text('File-Name') ?? file.name,
    mimeType: text('Mime-Type') ?? (file.type || 'application/pdf'),
    content: Buffer.from(await file.arrayBuffer()).toString('base64'),
    createdAt: adobeDate(new Date()),
  };
  ctx.state.save();
  return { status: 201, body: { transientDocumentId: id } };
}

function search(ctx: ApiContext, query: URLSearchParams): Answer {
  const externalId = query.get('externalId');
  const all = Object.values(ctx.state.data.agreements)
    .filter((a) => externalId === null || a.externalId === externalId)
    .sort((a, b) => a.createdDate.localeCompare(b.createdDate));
  const pageSize = Math.min(Math.max(Number(query.get('pageSize') ?? 20) || 20, 1), 100);
  const start = Number(query.get('cursor') ?? 0) || 0;
  const page = all.slice(start, start + pageSize);
  const userAgreementList = page.map((a) => ({
    id: a.id,
    name: a.name,
    status: a.status,
    type: 'AGREEMENT',
    esign: true,
    hidden: false,
    displayDate: a.createdDate,
    ...(a.externalId ? { externalId: { id: a.externalId } } : {}),
  }));
  return { status: 200, body: { userAgreementList, page: start + pageSize < all.length ? { nextCursor: String(start + pageSize) } : {} } };
}

function view(a: SandboxAgreement): Record<string, unknown> {
  return {
    id: a.id,
    name: a.name,
    status: a.status,
    signatureType: a.signatureType,
    createdDate: a.createdDate,
    ...(a.externalId ? { externalId: { id: a.externalId } } : {}),
    ...(a.message ? { message: a.message } : {}),
    ...(a.reminderFrequency ? { reminderFrequency: a.reminderFrequency } : {}),
    ...(a.expirationTime ? { expirationTime: a.expirationTime } : {}),
    fileInfos: [{ transientDocumentId: a.transientDocumentId }],
    participantSetsInfo: a.participantSets.map((s) => ({
      id: s.id,
      order: s.order,
      role: s.role,
      memberInfos: s.members.map((m) => ({ id: m.id, email: m.email, ...(m.securityOption ? { securityOption: m.securityOption } : {}) })),
    })),
  };
}

/** `GET /agreements/{id}/members` (v6 `MembersInfo`). */
function members(a: SandboxAgreement): Record<string, unknown> {
  return {
    participantSets: a.participantSets.map((s) => ({
      id: s.id,
      order: s.order,
      role: s.role,
      status: s.members.every((m) => m.status === 'COMPLETED') ? 'COMPLETED' : (s.members[0]?.status ?? 'NOT_YET_VISIBLE'),
      memberInfos: s.members.map((m) => ({
        id: m.id,
        email: m.email,
        self: false,
        status: m.status,
        securityOption: m.securityOption ?? { authenticationMethod: 'NONE' },
      })),
    })),
    senderInfo: { email: 'sandbox-sender@adobe-sign.sandbox', self: true, status: 'COMPLETED' },
  };
}

function changeState(ctx: ApiContext, agreement: SandboxAgreement, body: Record<string, unknown>): Answer {
  if (body.state !== 'CANCELLED') return adobeError(400, 'INVALID_STATE', `This sandbox moves agreements to CANCELLED only, not ${String(body.state)}`);
  const info = (body.agreementCancellationInfo ?? {}) as { comment?: unknown; notifyOthers?: unknown };
  ctx.agreements.recall(agreement, {
    ...(typeof info.comment === 'string' ? { comment: info.comment } : {}),
    notifyOthers: info.notifyOthers === true,
  });
  return { status: 204 };
}

function listWebhooks(ctx: ApiContext): Answer {
  const userWebhookList = ctx.state.data.webhooks
    .filter((w) => w.clientId === ctx.clientId)
    .map((w) => ({
      id: w.id,
      name: w.name,
      scope: w.scope,
      state: w.state,
      webhookUrlInfo: { url: w.url },
      webhookSubscriptionEvents: w.events,
      ...(w.resourceType ? { resourceType: w.resourceType } : {}),
      ...(w.resourceId ? { resourceId: w.resourceId } : {}),
      lastModified: w.createdDate,
    }));
  return { status: 200, body: { userWebhookList, page: {} } };
}
