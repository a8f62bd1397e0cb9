import { describe, expect, it } from 'vitest';
import { ESignConflictError, ESignRejectedError, ESignUnavailableError } from './errors';
import { contract, useAdobeSignWorld } from './testing-adapter';

const w = useAdobeSignWorld();

/** The Work Closing Form's steps: customer, then technician, then store. */
const wcf = () =>
  contract({
    key: 'wcf-0001',
    name: 'Work Closing Form WO-0042',
    signingSteps: [[{ email: 'customer@example.com' }], [{ email: 'tech-0001@provider.example' }], [{ email: 'store-0042@ahs.example' }]],
  });

describe('AdobeSign: in-person signing URLs', () => {
  it('when the customer signs first, then the customer gets an Adobe signing URL and the technician, a later step, none', async () => {
    const { agreementId } = await w.esign.createAgreement(wcf());
    const url = await w.esign.signingUrl(agreementId, 'customer@example.com');
    expect(url).toMatch(new RegExp(`^${w.fake.url}/public/apiesign\\?pid=CBFCIBAA`));
    expect(await w.esign.signingUrl(agreementId, 'tech-0001@provider.example')).toBeUndefined();
    expect(await w.esign.signingUrl(agreementId, 'store-0042@ahs.example')).toBeUndefined();
    expect(w.fake.requests.at(-1)?.path).toBe(`/shard/eu1/api/rest/v6/agreements/${agreementId}/signingUrls`);
  });

  it('when the email is given in another case, then the URL is still found', async () => {
    const { agreementId } = await w.esign.createAgreement(wcf());
    expect(await w.esign.signingUrl(agreementId, 'Customer@Example.COM')).toBe(await w.esign.signingUrl(agreementId, 'customer@example.com'));
  });

  it('when the customer has signed, then the technician gets a URL and the customer none any more', async () => {
    const { agreementId } = await w.esign.createAgreement(wcf());
    const customer = await w.esign.signingUrl(agreementId, 'customer@example.com');
    w.fake.sign(agreementId, 'customer@example.com');
    const technician = await w.esign.signingUrl(agreementId, 'tech-0001@provider.example');
    expect(technician).toBeDefined();
    expect(technician).not.toBe(customer);
    expect(await w.esign.signingUrl(agreementId, 'customer@example.com')).toBeUndefined();
    expect(await w.esign.signingUrl(agreementId, 'store-0042@ahs.example')).toBeUndefined();
  });

  it('when two signers share a step, then both get a URL at once', async () => {
    const steps = [[{ email: 'provider@example.com' }, { email: 'co-owner@example.com' }], [{ email: 'ahs@ahs.example' }]];
    const { agreementId } = await w.esign.createAgreement(contract({ signingSteps: steps }));
    expect(await w.esign.signingUrl(agreementId, 'provider@example.com')).toBeDefined();
    expect(await w.esign.signingUrl(agreementId, 'co-owner@example.com')).toBeDefined();
    expect(await w.esign.signingUrl(agreementId, 'ahs@ahs.example')).toBeUndefined();
  });
});

describe('AdobeSign: signing URL refusals', () => {
  it('when Adobe has not exposed the new agreement yet (AGREEMENT_NOT_EXPOSED), then it is retryable', async () => {
    const { agreementId } = await w.esign.createAgreement(wcf());
    w.fake.inject({ status: 404, body: { code: 'AGREEMENT_NOT_EXPOSED', message: 'Agreement is not exposed for signing' } });
    const error = await w.esign.signingUrl(agreementId, 'customer@example.com').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ESignUnavailableError);
    expect(error).toMatchObject({ status: 404, code: 'AGREEMENT_NOT_EXPOSED', kind: 'retryable' });
  });

  it('when the documents are still being processed (AGREEMENT_NOT_SIGNABLE, status DOCUMENTS_NOT_YET_PROCESSED), then it is retryable', async () => {
    const { agreementId } = await w.esign.createAgreement(wcf());
    w.fake.setStatus(agreementId, 'DOCUMENTS_NOT_YET_PROCESSED');
    const error = await w.esign.signingUrl(agreementId, 'customer@example.com').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ESignUnavailableError);
    expect(error).toMatchObject({ status: 404, code: 'AGREEMENT_NOT_SIGNABLE' });
  });

  it.each(['CANCELLED', 'SIGNED'])('when the agreement is %s (AGREEMENT_NOT_SIGNABLE), then it is a conflict naming the status', async (status) => {
    const { agreementId } = await w.esign.createAgreement(wcf());
    w.fake.setStatus(agreementId, status);
    const error = await w.esign.signingUrl(agreementId, 'customer@example.com').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ESignConflictError);
    expect(error).toMatchObject({ agreementId, agreementStatus: status, reason: 'agreement-not-signable', kind: 'conflict' });
  });

  it('when every step has signed, then the agreement is SIGNED and a signing URL is a conflict', async () => {
    const { agreementId } = await w.esign.createAgreement(wcf());
    for (const email of ['customer@example.com', 'tech-0001@provider.example', 'store-0042@ahs.example']) w.fake.sign(agreementId, email);
    await expect(w.esign.signingUrl(agreementId, 'store-0042@ahs.example')).rejects.toMatchObject({ agreementStatus: 'SIGNED' });
  });

  it('when the agreement has expired (AGREEMENT_EXPIRED), then it is a conflict without reading the agreement again', async () => {
    const { agreementId } = await w.esign.createAgreement(wcf());
    w.fake.setStatus(agreementId, 'EXPIRED');
    const before = w.fake.requests.length;
    const error = await w.esign.signingUrl(agreementId, 'customer@example.com').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ESignConflictError);
    expect(error).toMatchObject({ agreementStatus: 'EXPIRED', reason: 'agreement-not-signable' });
    expect(w.fake.requests.slice(before).map((r) => r.path)).toEqual([`/shard/eu1/api/rest/v6/agreements/${agreementId}/signingUrls`]);
  });

  it('when the agreement id is unknown, then it is permanent; when Adobe is busy, retryable', async () => {
    await expect(w.esign.signingUrl('CBJCHBCAABAAnope', 'customer@example.com')).rejects.toMatchObject({ status: 404, code: 'INVALID_AGREEMENT_ID' });
    await expect(w.esign.signingUrl('CBJCHBCAABAAnope', 'customer@example.com')).rejects.toBeInstanceOf(ESignRejectedError);
    w.fake.throttleNext(3);
    await expect(w.esign.signingUrl('CBJCHBCAABAAnope', 'customer@example.com')).rejects.toMatchObject({ status: 429, retryAfterMs: 3000 });
  });
});
