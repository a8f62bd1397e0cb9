import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config';
import { adobeSignConfigSchema } from './config';
import { ESignConflictError, ESignUnavailableError } from './errors';
import { FakeAdobeSign } from './testing';
import { contract, only, useAdobeSignWorld } from './testing-adapter';

const w = useAdobeSignWorld();

describe('AdobeSign: idempotent creation', () => {
  it('when the same contract is created again (a retried job), then the first agreement is answered and nothing is sent twice', async () => {
    const first = await w.esign.createAgreement(contract());
    const again = await w.adapter().createAgreement(contract());
    expect(again).toEqual({ agreementId: first.agreementId, created: false });
    expect(w.fake.agreements.size).toBe(1);
    expect(w.fake.transientDocuments.size).toBe(1);
    expect(w.fake.requests.filter((r) => r.path.startsWith('/shard/eu1/api/rest/v6/agreements?'))).toHaveLength(2);
    expect(w.fake.requests.find((r) => r.path.includes('?'))?.path).toBe(
      '/shard/eu1/api/rest/v6/agreements?externalId=contract-0001&showHiddenAgreements=true&pageSize=100',
    );
  });

  it('when the creation answer is lost (timeout) after Adobe created it, then the retry finds it and creates no second one', async () => {
    w.fake.answerNextLate(700, (method, path) => method === 'POST' && path.endsWith('/api/rest/v6/agreements'));
    const error = await w
      .adapter(300)
      .createAgreement(contract())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ESignUnavailableError);
    expect(w.fake.agreements.size).toBe(1);
    const retried = await w.adapter().createAgreement(contract());
    expect(retried).toEqual({ agreementId: only(w.fake.agreements.keys()), created: false });
    expect(w.fake.agreements.size).toBe(1);
    expect(w.fake.transientDocuments.size).toBe(1);
  });

  it('when baseUris answers without an apiAccessPoint, then it is a permanent error and the next call asks again', async () => {
    w.fake.inject({ status: 200, body: { webAccessPoint: 'https://secure.eu1.adobesign.com/' } });
    await expect(w.esign.findByKey('k')).rejects.toMatchObject({ kind: 'permanent', code: 'INVALID_BASE_URIS' });
    expect(await w.esign.findByKey('k')).toEqual([]);
    expect(w.fake.requests.filter((r) => r.path === '/api/rest/v6/baseUris')).toHaveLength(2);
  });

  it('when Adobe pages the search, then every page is read through nextCursor', async () => {
    await w.fake.close();
    w.fake = await FakeAdobeSign.start({ now: () => w.now, maxPageSize: 2 });
    w.esign = w.adapter();
    for (let i = 0; i < 5; i++) await w.esign.createAgreement(contract({ key: `k-${i}` }));
    for (const a of w.fake.agreements.values()) a.body.externalId = { id: 'shared-key' };
    expect(await w.esign.findByKey('shared-key')).toHaveLength(5);
    expect(w.fake.requests.filter((r) => r.path.includes('externalId=shared-key')).map((r) => new URL(r.path, w.fake.url).searchParams.get('cursor'))).toEqual([
      null,
      '2',
      '4',
    ]);
  });

  it('when other contracts exist, then each key finds only its own agreement', async () => {
    for (let i = 0; i < 3; i++) await w.esign.createAgreement(contract({ key: `other-${i}` }));
    const mine = await w.esign.createAgreement(contract({ key: 'contract-0002' }));
    expect(await w.esign.findByKey('contract-0002')).toEqual([
      { agreementId: mine.agreementId, name: 'Contrato de servicio ES-0042-778812', status: 'OUT_FOR_SIGNATURE' },
    ]);
    expect(await w.esign.findByKey('contract-unknown')).toEqual([]);
  });
});

describe('AdobeSign: status, documents, recall', () => {
  it('when an agreement is read, then its status and key are answered; an unknown id is a permanent 404', async () => {
    const { agreementId } = await w.esign.createAgreement(contract());
    expect(await w.esign.getAgreement(agreementId)).toEqual({
      agreementId,
      name: 'Contrato de servicio ES-0042-778812',
      status: 'OUT_FOR_SIGNATURE',
      key: 'contract-0001',
    });
    w.fake.setStatus(agreementId, 'SIGNED');
    expect((await w.esign.getAgreement(agreementId)).status).toBe('SIGNED');
    await expect(w.esign.getAgreement('CBJCHBCAABAAunknown')).rejects.toMatchObject({ status: 404, code: 'INVALID_AGREEMENT_ID' });
  });

  it('when the signed document and audit trail are downloaded, then the PDF bytes are answered', async () => {
    const { agreementId } = await w.esign.createAgreement(contract());
    w.fake.setStatus(agreementId, 'SIGNED');
    const signed = Buffer.from(await w.esign.signedDocument(agreementId)).toString('latin1');
    const audit = Buffer.from(await w.esign.auditTrail(agreementId)).toString('latin1');
    expect(signed).toMatch(new RegExp(`^%PDF-1\\.7\\n% combined ${agreementId} SIGNED`));
    expect(audit).toMatch(new RegExp(`^%PDF-1\\.7\\n% audit trail ${agreementId}`));
    expect(w.fake.requests.map((r) => r.path)).toContain(`/shard/eu1/api/rest/v6/agreements/${agreementId}/combinedDocument`);
  });

  it('when an agreement out for signature is recalled, then PUT /state sends CANCELLED with the cancellation info', async () => {
    const { agreementId } = await w.esign.createAgreement(contract());
    await w.esign.recall(agreementId, { comment: 'Pedido anulado', notifyOthers: true });
    expect(w.fake.agreements.get(agreementId)).toMatchObject({ status: 'CANCELLED', cancellation: { comment: 'Pedido anulado', notifyOthers: true } });
    expect(w.fake.requests.at(-1)).toEqual({ method: 'PUT', path: `/shard/eu1/api/rest/v6/agreements/${agreementId}/state` });
  });

  it('when a signed agreement is recalled, then a typed conflict names its status and it stays signed', async () => {
    const { agreementId } = await w.esign.createAgreement(contract());
    w.fake.setStatus(agreementId, 'SIGNED');
    const error = await w.esign.recall(agreementId, { comment: 'too late', notifyOthers: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ESignConflictError);
    expect(error).toMatchObject({ kind: 'conflict', agreementId, agreementStatus: 'SIGNED' });
    expect(w.fake.agreements.get(agreementId)?.status).toBe('SIGNED');
  });

  it('when an unknown agreement is recalled, then it is the permanent 404, not a conflict', async () => {
    await expect(w.esign.recall('CBJCHBCAABAAunknown', { comment: 'x', notifyOthers: false })).rejects.toMatchObject({
      status: 404,
      code: 'INVALID_AGREEMENT_ID',
    });
  });
});

describe('AdobeSign: failures a worker retries', () => {
  it('when Adobe answers 429 with retryAfter, then the error is retryable and carries retryAfter in ms', async () => {
    w.fake.throttleNext(42);
    const error = await w.esign.findByKey('contract-0001').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ESignUnavailableError);
    expect(error).toMatchObject({ kind: 'retryable', status: 429, code: 'THROTTLING_TOO_MANY_REQUESTS', retryAfterMs: 42_000 });
    expect(await w.esign.findByKey('contract-0001')).toEqual([]);
  });

  it('when a 429 has no retryAfter in its body, then the Retry-After header is used', async () => {
    w.fake.inject({ status: 429, body: { code: 'THROTTLING_TOO_MANY_REQUESTS', message: 'slow down' }, headers: { 'retry-after': '7' } });
    await expect(w.esign.findByKey('k')).rejects.toMatchObject({ retryAfterMs: 7000 });
  });

  it('when Adobe answers 5xx, then it is retryable with no retryAfter; a 4xx is permanent', async () => {
    w.fake.inject({ status: 503, body: { code: 'SERVICE_UNAVAILABLE', message: 'down' } });
    const down = await w.esign.findByKey('k').catch((e: unknown) => e);
    expect(down).toBeInstanceOf(ESignUnavailableError);
    expect(down).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfterMs: undefined });
    w.fake.inject({ status: 403, body: { code: 'PERMISSION_DENIED', message: 'no' } });
    await expect(w.esign.findByKey('k')).rejects.toMatchObject({ kind: 'permanent', status: 403, code: 'PERMISSION_DENIED' });
  });

  it('when Adobe does not answer in time, then it is retryable with no status', async () => {
    const impatient = w.adapter(200);
    await impatient.findByKey('warm-up');
    w.fake.answerNextLate(600);
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
