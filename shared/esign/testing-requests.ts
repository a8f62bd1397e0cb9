/**
 * What FakeAdobeSign (testing.ts) answers as Adobe does: `{code, message}` errors, and the
 * checks Adobe makes on `POST /agreements` (required fields, participant sets ordered 1, 2, 3...
 * without gaps, roles, emails, security options). Test support only.
 */
export interface FakeAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const adobeError = (status: number, code: string, message: string): FakeAnswer => ({ status, body: { code, message } });
const error = adobeError;

const ROLES = new Set(['SIGNER', 'APPROVER', 'ACCEPTOR', 'CERTIFIED_RECIPIENT', 'FORM_FILLER', 'DELEGATE_TO_SIGNER', 'DELEGATE_TO_APPROVER']);
const AUTH_METHODS = new Set(['NONE', 'PASSWORD', 'PHONE', 'KBA', 'WEB_IDENTITY', 'ADOBE_SIGN', 'GOV_ID']);

/** The 4xx Adobe answers to an agreement it refuses, or undefined when it is valid. */
export function invalidAgreement(body: Record<string, unknown>, isTransientDocument: (id: string) => boolean): FakeAnswer | undefined {
  const missing = (name: string) => error(400, 'MISSING_REQUIRED_PARAM', `Required parameter ${name} is missing`);
  const invalid = (message: string) => error(400, 'INVALID_ARGUMENTS', message);
  if (typeof body.name !== 'string' || !body.name) return missing('name');
  if (body.signatureType !== 'ESIGN' && body.signatureType !== 'WRITTEN') return missing('signatureType');
  if (!['IN_PROCESS', 'AUTHORING', 'DRAFT'].includes(String(body.state))) return missing('state');
  const files = body.fileInfos;
  if (!Array.isArray(files) || files.length === 0) return missing('fileInfos');
  for (const f of files as { transientDocumentId?: string }[]) {
    if (!f.transientDocumentId || !isTransientDocument(f.transientDocumentId))
      return error(404, 'INVALID_TRANSIENT_DOCUMENT_ID', 'The transient document id is invalid');
  }
  const sets = body.participantSetsInfo;
  if (!Array.isArray(sets) || sets.length === 0) return missing('participantSetsInfo');
  const orders = new Set<number>();
  for (const set of sets as { memberInfos?: { email?: string; securityOption?: Record<string, unknown> }[]; order?: unknown; role?: unknown }[]) {
    if (!Array.isArray(set.memberInfos) || set.memberInfos.length === 0) return missing('memberInfos');
    if (typeof set.order !== 'number' || !Number.isInteger(set.order) || set.order < 1) return invalid('order must be a positive integer');
    if (!ROLES.has(String(set.role))) return invalid('role is invalid');
    orders.add(set.order);
    for (const m of set.memberInfos) {
      if (!m.email || !/^[^@\s]+@[^@\s]+$/.test(m.email)) return invalid('email is invalid');
      const option = m.securityOption;
      if (option === undefined) continue;
      if (!AUTH_METHODS.has(String(option.authenticationMethod))) return invalid('authenticationMethod is invalid');
      const phone = option.phoneInfo as { phone?: string; countryCode?: string } | undefined;
      if (option.authenticationMethod === 'PHONE' && (!phone?.phone || !phone.countryCode)) return missing('phoneInfo');
    }
  }
  if ([...orders].sort((a, b) => a - b).some((order, i) => order !== i + 1)) return invalid('participant set orders must run 1, 2, 3... without gaps');
  if (body.expirationTime !== undefined && (typeof body.expirationTime !== 'string' || Number.isNaN(Date.parse(body.expirationTime))))
    return invalid('expirationTime is invalid');
  return undefined;
}
