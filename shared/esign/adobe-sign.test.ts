import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config';
import { adobeSignFromConfig, type AdobeSign } from './adobe-sign';
import { adobeSignConfigSchema } from './config';
import { ESignConflictError, ESignRejectedError, ESignUnavailableError } from './errors';
import { FakeAdobeSign } from './testing';
import type { NewAgreement } from './types';

let fake: FakeAdobeSign;
let esign: AdobeSign;
let now: number;

const adapter = (timeoutMs = 2000) =>
  adobeSignFromConfig(
    parseConfig(adobeSignConfigSchema, {
      ADOBE_SIGN_CLIENT_ID: 'fake-client-id',
      ADOBE_SIGN_CLIENT_SECRET: 'fake-client-secret',
      ADOBE_SIGN_REFRESH_TOKEN: 'fake-refresh-token',
      ADOBE_SIGN_API_HOST: fake.url,
      ADOBE_SIGN_TIMEOUT_MS: String(timeoutMs),
    }),
    { now: () => now },
  );

beforeEach(async () => {
  now = Date.parse('2027-01-10T09:00:00Z');
  fake = await FakeAdobeSign.start({ now: () => now });
  esign = adapter();
});
afterEach(() => fake.close());

const pdfBytes = new TextEncoder().encode('%PDF-1.7\n% Contrato de servicio — Núñez\n%%EOF\n');
const contract = (overrides: Partial<NewAgreement> = {}): NewAgreement => ({
  key: 'contract-0001',
  name: 'Contrato de servicio ES-0042-778812',
  document: { bytes: pdfBytes, fileName: 'contrato-ES-0042-778812.pdf' },
  signingSteps: [[{ email: 'maria.nunez@example.com' }]],
  ...overrides,
});
const only = <T>(values: Iterable<T>): T => {
  const all = [...values];
  expect(all).toHaveLength(1);
  return all[0] as T;
};

describe('AdobeSign: tokens and base URIs', () => {
  it('when several calls are made, then the token is refreshed once and baseUris asked once, and calls go to the apiAccessPoint', async () => {
    const { agreementId } = await esign.createAgreement(contract());
    await esign.getAgreement(agreementId);
    await esign.auditTrail(agreementId);
    expect(fake.refreshes).toBe(1);
    expect(fake.requests.filter((r) => r.path === '/api/rest/v6/baseUris')).toHaveLength(1);
    const api = fake.requests.filter((r) => r.path.includes('/agreements') || r.path.includes('/transientDocuments'));
    expect(api.length).toBeGreaterThanOrEqual(4);
    for (const r of api) expect(r.path.startsWith('/shard/eu1/api/rest/v6/')).toBe(true);
  });

  it('when Adobe answers 401 because the token expired, then the adapter refreshes and retries the call once', async () => {
    const { agreementId } = await esign.createAgreement(contract());
    fake.expireAccessTokens();
    const before = fake.requests.length;
    expect((await esign.getAgreement(agreementId)).status).toBe('OUT_FOR_SIGNATURE');
    expect(fake.refreshes).toBe(2);
    expect(fake.requests.slice(before).map((r) => r.method + ' ' + r.path.replace(/CBJ\w+/, '<id>'))).toEqual([
      'GET /shard/eu1/api/rest/v6/agreements/<id>',
      'POST /oauth/v2/refresh',
      'GET /shard/eu1/api/rest/v6/agreements/<id>',
    ]);
  });

  it('when many calls meet the same expired token at once, then one refresh serves them all', async () => {
    const { agreementId } = await esign.createAgreement(contract());
    fake.expireAccessTokens();
    const views = await Promise.all(Array.from({ length: 8 }, () => esign.getAgreement(agreementId)));
    expect(views.every((v) => v.agreementId === agreementId)).toBe(true);
    expect(fake.refreshes).toBe(2);
  });

  it('when the token is past expires_in, then a new one is fetched before the call, with no 401', async () => {
    const { agreementId } = await esign.createAgreement(contract());
    now += 3600_000;
    await esign.getAgreement(agreementId);
    expect(fake.refreshes).toBe(2);
  });

  it('when Adobe answers 401 twice in a row, then it is a permanent error, not a loop', async () => {
    fake.inject(
      { status: 401, body: { code: 'INVALID_ACCESS_TOKEN', message: 'expired' } },
      { status: 401, body: { code: 'INVALID_ACCESS_TOKEN', message: 'expired' } },
    );
    const error = await esign.getAgreement('any').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ESignRejectedError);
    expect(error).toMatchObject({ status: 401, code: 'INVALID_ACCESS_TOKEN' });
  });

  it('when Adobe says the access point is wrong, then baseUris is asked again and the call retried', async () => {
    const { agreementId } = await esign.createAgreement(contract());
    fake.inject({ status: 400, body: { code: 'INVALID_API_ACCESS_POINT', message: 'wrong shard' } });
    expect((await esign.getAgreement(agreementId)).agreementId).toBe(agreementId);
    expect(fake.requests.filter((r) => r.path === '/api/rest/v6/baseUris')).toHaveLength(2);
  });
});

describe('AdobeSign: creating an agreement', () => {
  it('when a contract is sent, then the PDF goes up as multipart File, File-Name and Mime-Type', async () => {
    await esign.createAgreement(contract());
    const doc = only(fake.transientDocuments.values());
    expect(doc).toMatchObject({
      fileName: 'contrato-ES-0042-778812.pdf',
      mimeType: 'application/pdf',
      partFileName: 'contrato-ES-0042-778812.pdf',
      partType: 'application/pdf',
    });
    expect(Buffer.from(doc.bytes).equals(Buffer.from(pdfBytes))).toBe(true);
  });

  it('when one customer signs, then the body is ESIGN, IN_PROCESS, with the key as externalId, reminders and expiry', async () => {
    const { agreementId, created } = await esign.createAgreement(
      contract({ reminderFrequency: 'DAILY_UNTIL_SIGNED', expiresAt: new Date('2027-01-24T00:00:00Z'), message: 'Firme su contrato' }),
    );
    expect(created).toBe(true);
    const [transientDocumentId] = fake.transientDocuments.keys();
    expect(fake.agreements.get(agreementId)?.body).toEqual({
      fileInfos: [{ transientDocumentId }],
      name: 'Contrato de servicio ES-0042-778812',
      participantSetsInfo: [{ memberInfos: [{ email: 'maria.nunez@example.com' }], order: 1, role: 'SIGNER' }],
      signatureType: 'ESIGN',
      state: 'IN_PROCESS',
      externalId: { id: 'contract-0001' },
      message: 'Firme su contrato',
      reminderFrequency: 'DAILY_UNTIL_SIGNED',
      expirationTime: '2027-01-24T00:00:00.000Z',
    });
  });

  it('when the WCF is signed customer → technician → store, then the sets have orders 1, 2, 3', async () => {
    const steps = [[{ email: 'customer@example.com' }], [{ email: 'tech-0001@provider.example' }], [{ email: 'store-0042@ahs.example' }]];
    const { agreementId } = await esign.createAgreement(contract({ signingSteps: steps }));
    const sets = fake.agreements.get(agreementId)?.body.participantSetsInfo as { memberInfos: { email: string }[]; order: number }[];
    expect(sets.map((s) => [s.memberInfos[0]?.email, s.order])).toEqual([
      ['customer@example.com', 1],
      ['tech-0001@provider.example', 2],
      ['store-0042@ahs.example', 3],
    ]);
  });

  it('when two signers sign in parallel, then each has its own set with the same order', async () => {
    const steps = [[{ email: 'provider@example.com' }, { email: 'co-owner@example.com' }], [{ email: 'ahs@ahs.example', role: 'APPROVER' as const }]];
    const { agreementId } = await esign.createAgreement(contract({ signingSteps: steps }));
    expect(fake.agreements.get(agreementId)?.body.participantSetsInfo).toEqual([
      { memberInfos: [{ email: 'provider@example.com' }], order: 1, role: 'SIGNER' },
      { memberInfos: [{ email: 'co-owner@example.com' }], order: 1, role: 'SIGNER' },
      { memberInfos: [{ email: 'ahs@ahs.example' }], order: 2, role: 'APPROVER' },
    ]);
  });

  it('when the caller asks for phone authentication, then the member carries PHONE with its phoneInfo; without it, none', async () => {
    const authentication = { method: 'PHONE' as const, countryCode: '+34', phone: '612345678' };
    const { agreementId } = await esign.createAgreement(
      contract({ signingSteps: [[{ email: 'maria.nunez@example.com', authentication }, { email: 'other@example.com' }]] }),
    );
    const sets = fake.agreements.get(agreementId)?.body.participantSetsInfo as { memberInfos: unknown[] }[];
    expect(sets[0]?.memberInfos).toEqual([
      { email: 'maria.nunez@example.com', securityOption: { authenticationMethod: 'PHONE', phoneInfo: { countryCode: '+34', phone: '612345678' } } },
    ]);
    expect(sets[1]?.memberInfos).toEqual([{ email: 'other@example.com' }]);
  });

  it('when a step has no signer, then nothing is sent to Adobe', async () => {
    await expect(esign.createAgreement(contract({ signingSteps: [[{ email: 'a@example.com' }], []] }))).rejects.toBeInstanceOf(RangeError);
    expect(fake.transientDocuments.size).toBe(0);
    expect(fake.agreements.size).toBe(0);
  });

  it('when Adobe refuses the body, then a permanent error carries its code', async () => {
    const error = await esign.createAgreement(contract({ signingSteps: [[{ email: 'not-an-email' }]] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ESignRejectedError);
    expect(error).toMatchObject({ status: 400, code: 'INVALID_ARGUMENTS', reason: 'INVALID_ARGUMENTS', kind: 'permanent' });
  });
});

describe('AdobeSign: idempotent creation', () => {
  it('when the same contract is created again (a retried job), then the first agreement is answered and nothing is sent twice', async () => {
    const first = await esign.createAgreement(contract());
    const again = await adapter().createAgreement(contract());
    expect(again).toEqual({ agreementId: first.agreementId, created: false });
    expect(fake.agreements.size).toBe(1);
    expect(fake.transientDocuments.size).toBe(1);
    expect(fake.requests.filter((r) => r.path.startsWith('/shard/eu1/api/rest/v6/agreements?'))).toHaveLength(2);
    expect(fake.requests.find((r) => r.path.includes('?'))?.path).toBe(
      '/shard/eu1/api/rest/v6/agreements?externalId=contract-0001&showHiddenAgreements=true&pageSize=100',
    );
  });

  it('when the creation answer is lost (timeout) after Adobe created it, then the retry finds it and creates no second one', async () => {
    fake.answerNextLate(700, (method, path) => method === 'POST' && path.endsWith('/api/rest/v6/agreements'));
    const error = await adapter(300)
      .createAgreement(contract())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ESignUnavailableError);
    expect(fake.agreements.size).toBe(1);
    const retried = await adapter().createAgreement(contract());
    expect(retried).toEqual({ agreementId: only(fake.agreements.keys()), created: false });
    expect(fake.agreements.size).toBe(1);
    expect(fake.transientDocuments.size).toBe(1);
  });

  it('when baseUris answers without an apiAccessPoint, then it is a permanent error and the next call asks again', async () => {
    fake.inject({ status: 200, body: { webAccessPoint: 'https://secure.eu1.adobesign.com/' } });
    await expect(esign.findByKey('k')).rejects.toMatchObject({ kind: 'permanent', code: 'INVALID_BASE_URIS' });
    expect(await esign.findByKey('k')).toEqual([]);
    expect(fake.requests.filter((r) => r.path === '/api/rest/v6/baseUris')).toHaveLength(2);
  });

  it('when Adobe pages the search, then every page is read through nextCursor', async () => {
    await fake.close();
    fake = await FakeAdobeSign.start({ now: () => now, maxPageSize: 2 });
    esign = adapter();
    for (let i = 0; i < 5; i++) await esign.createAgreement(contract({ key: `k-${i}` }));
    for (const a of fake.agreements.values()) a.body.externalId = { id: 'shared-key' };
    expect(await esign.findByKey('shared-key')).toHaveLength(5);
    expect(fake.requests.filter((r) => r.path.includes('externalId=shared-key')).map((r) => new URL(r.path, fake.url).searchParams.get('cursor'))).toEqual([
      null,
      '2',
      '4',
    ]);
  });

  it('when other contracts exist, then each key finds only its own agreement', async () => {
    for (let i = 0; i < 3; i++) await esign.createAgreement(contract({ key: `other-${i}` }));
    const mine = await esign.createAgreement(contract({ key: 'contract-0002' }));
    expect(await esign.findByKey('contract-0002')).toEqual([
      { agreementId: mine.agreementId, name: 'Contrato de servicio ES-0042-778812', status: 'OUT_FOR_SIGNATURE' },
    ]);
    expect(await esign.findByKey('contract-unknown')).toEqual([]);
  });
});

describe('AdobeSign: status, documents, recall', () => {
  it('when an agreement is read, then its status and key are answered; an unknown id is a permanent 404', async () => {
    const { agreementId } = await esign.createAgreement(contract());
    expect(await esign.getAgreement(agreementId)).toEqual({
      agreementId,
      name: 'Contrato de servicio ES-0042-778812',
      status: 'OUT_FOR_SIGNATURE',
      key: 'contract-0001',
    });
    fake.setStatus(agreementId, 'SIGNED');
    expect((await esign.getAgreement(agreementId)).status).toBe('SIGNED');
    await expect(esign.getAgreement('CBJCHBCAABAAunknown')).rejects.toMatchObject({ status: 404, code: 'INVALID_AGREEMENT_ID' });
  });

  it('when the signed document and audit trail are downloaded, then the PDF bytes are answered', async () => {
    const { agreementId } = await esign.createAgreement(contract());
    fake.setStatus(agreementId, 'SIGNED');
    const signed = Buffer.from(await esign.signedDocument(agreementId)).toString('latin1');
    const audit = Buffer.from(await esign.auditTrail(agreementId)).toString('latin1');
    expect(signed).toMatch(new RegExp(`^%PDF-1\\.7\\n% combined ${agreementId} SIGNED`));
    expect(audit).toMatch(new RegExp(`^%PDF-1\\.7\\n% audit trail ${agreementId}`));
    expect(fake.requests.map((r) => r.path)).toContain(`/shard/eu1/api/rest/v6/agreements/${agreementId}/combinedDocument`);
  });

  it('when an agreement out for signature is recalled, then PUT /state sends CANCELLED with the cancellation info', async () => {
    const { agreementId } = await esign.createAgreement(contract());
    await esign.recall(agreementId, { comment: 'Pedido anulado', notifyOthers: true });
    expect(fake.agreements.get(agreementId)).toMatchObject({ status: 'CANCELLED', cancellation: { comment: 'Pedido anulado', notifyOthers: true } });
    expect(fake.requests.at(-1)).toEqual({ method: 'PUT', path: `/shard/eu1/api/rest/v6/agreements/${agreementId}/state` });
  });

  it('when a signed agreement is recalled, then a typed conflict names its status and it stays signed', async () => {
    const { agreementId } = await esign.createAgreement(contract());
    fake.setStatus(agreementId, 'SIGNED');
    const error = await esign.recall(agreementId, { comment: 'too late', notifyOthers: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ESignConflictError);
    expect(error).toMatchObject({ kind: 'conflict', agreementId, agreementStatus: 'SIGNED' });
    expect(fake.agreements.get(agreementId)?.status).toBe('SIGNED');
  });

  it('when an unknown agreement is recalled, then it is the permanent 404, not a conflict', async () => {
    await expect(esign.recall('CBJCHBCAABAAunknown', { comment: 'x', notifyOthers: false })).rejects.toMatchObject({
      status: 404,
      code: 'INVALID_AGREEMENT_ID',
    });
  });
});

describe('AdobeSign: failures a worker retries', () => {
  it('when Adobe answers 429 with retryAfter, then the error is retryable and carries retryAfter in ms', async () => {
    fake.throttleNext(42);
    const error = await esign.findByKey('contract-0001').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ESignUnavailableError);
    expect(error).toMatchObject({ kind: 'retryable', status: 429, code: 'THROTTLING_TOO_MANY_REQUESTS', retryAfterMs: 42_000 });
    expect(await esign.findByKey('contract-0001')).toEqual([]);
  });

  it('when a 429 has no retryAfter in its body, then the Retry-After header is used', async () => {
    fake.inject({ status: 429, body: { code: 'THROTTLING_TOO_MANY_REQUESTS', message: 'slow down' }, headers: { 'retry-after': '7' } });
    await expect(esign.findByKey('k')).rejects.toMatchObject({ retryAfterMs: 7000 });
  });

  it('when Adobe answers 5xx, then it is retryable with no retryAfter; a 4xx is permanent', async () => {
    fake.inject({ status: 503, body: { code: 'SERVICE_UNAVAILABLE', message: 'down' } });
    const down = await esign.findByKey('k').catch((e: unknown) => e);
    expect(down).toBeInstanceOf(ESignUnavailableError);
    expect(down).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfterMs: undefined });
    fake.inject({ status: 403, body: { code: 'PERMISSION_DENIED', message: 'no' } });
    await expect(esign.findByKey('k')).rejects.toMatchObject({ kind: 'permanent', status: 403, code: 'PERMISSION_DENIED' });
  });

  it('when Adobe does not answer in time, then it is retryable with no status', async () => {
    const impatient = adapter(200);
    await impatient.findByKey('warm-up');
    fake.answerNextLate(600);
    const error = await impatient.findByKey('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ESignUnavailableError);
    expect(error).toMatchObject({ status: undefined, message: expect.stringMatching(/no answer within 200 ms/) });
  });
});

describe('adobeSignConfigSchema', () => {
  it('when the credentials are missing, then each is named and no value is echoed', () => {
    expect(() =>
      parseConfig(adobeSignConfigSchema, { ADOBE_SIGN_API_HOST: 'https://api.eu1.adobesign.com', ADOBE_SIGN_CLIENT_SECRET: 's3cr3t-value' }),
    ).toThrow(/ADOBE_SIGN_CLIENT_ID is missing.*ADOBE_SIGN_REFRESH_TOKEN is missing/);
    try {
      parseConfig(adobeSignConfigSchema, { ADOBE_SIGN_API_HOST: 'not a url', ADOBE_SIGN_CLIENT_SECRET: 's3cr3t-value' });
    } catch (error) {
      expect(String(error)).not.toContain('s3cr3t-value');
      expect(String(error)).toContain('ADOBE_SIGN_API_HOST is invalid');
    }
  });
});
