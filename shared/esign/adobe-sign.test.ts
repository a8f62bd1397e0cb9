import { describe, expect, it } from 'vitest';
import { ESignRejectedError } from './errors';
import { contract, only, pdfBytes, useAdobeSignWorld } from './testing-adapter';

const w = useAdobeSignWorld();

describe('AdobeSign: tokens and base URIs', () => {
  it('when several calls are made, then the token is refreshed once and baseUris asked once, and calls go to the apiAccessPoint', async () => {
    const { agreementId } = await w.esign.createAgreement(contract());
    await w.esign.getAgreement(agreementId);
    await w.esign.auditTrail(agreementId);
    expect(w.fake.refreshes).toBe(1);
    expect(w.fake.requests.filter((r) => r.path === '/api/rest/v6/baseUris')).toHaveLength(1);
    const api = w.fake.requests.filter((r) => r.path.includes('/agreements') || r.path.includes('/transientDocuments'));
    expect(api.length).toBeGreaterThanOrEqual(4);
    for (const r of api) expect(r.path.startsWith('/shard/eu1/api/rest/v6/')).toBe(true);
  });

  it('when Adobe answers 401 because the token expired, then the adapter refreshes and retries the call once', async () => {
    const { agreementId } = await w.esign.createAgreement(contract());
    w.fake.expireAccessTokens();
    const before = w.fake.requests.length;
    expect((await w.esign.getAgreement(agreementId)).status).toBe('OUT_FOR_SIGNATURE');
    expect(w.fake.refreshes).toBe(2);
    expect(w.fake.requests.slice(before).map((r) => r.method + ' ' + r.path.replace(/CBJ\w+/, '<id>'))).toEqual([
      'GET /shard/eu1/api/rest/v6/agreements/<id>',
      'POST /oauth/v2/refresh',
      'GET /shard/eu1/api/rest/v6/agreements/<id>',
    ]);
  });

  it('when many calls meet the same expired token at once, then one refresh serves them all', async () => {
    const { agreementId } = await w.esign.createAgreement(contract());
    w.fake.expireAccessTokens();
    const views = await Promise.all(Array.from({ length: 8 }, () => w.esign.getAgreement(agreementId)));
    expect(views.every((v) => v.agreementId === agreementId)).toBe(true);
    expect(w.fake.refreshes).toBe(2);
  });

  it('when the token is past expires_in, then a new one is fetched before the call, with no 401', async () => {
    const { agreementId } = await w.esign.createAgreement(contract());
    w.now += 3600_000;
    await w.esign.getAgreement(agreementId);
    expect(w.fake.refreshes).toBe(2);
  });

  it('when Adobe answers 401 twice in a row, then it is a permanent error, not a loop', async () => {
    w.fake.inject(
      { status: 401, body: { code: 'INVALID_ACCESS_TOKEN', message: 'expired' } },
      { status: 401, body: { code: 'INVALID_ACCESS_TOKEN', message: 'expired' } },
    );
    const error = await w.esign.getAgreement('any').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ESignRejectedError);
    expect(error).toMatchObject({ status: 401, code: 'INVALID_ACCESS_TOKEN' });
  });

  it('when Adobe says the access point is wrong, then baseUris is asked again and the call retried', async () => {
    const { agreementId } = await w.esign.createAgreement(contract());
    w.fake.inject({ status: 400, body: { code: 'INVALID_API_ACCESS_POINT', message: 'wrong shard' } });
    expect((await w.esign.getAgreement(agreementId)).agreementId).toBe(agreementId);
    expect(w.fake.requests.filter((r) => r.path === '/api/rest/v6/baseUris')).toHaveLength(2);
  });
});

describe('AdobeSign: creating an agreement', () => {
  it('when a contract is sent, then the PDF goes up as multipart File, File-Name and Mime-Type', async () => {
    await w.esign.createAgreement(contract());
    const doc = only(w.fake.transientDocuments.values());
    expect(doc).toMatchObject({
      fileName: 'contrato-ES-0042-778812.pdf',
      mimeType: 'application/pdf',
      partFileName: 'contrato-ES-0042-778812.pdf',
      partType: 'application/pdf',
    });
    expect(Buffer.from(doc.bytes).equals(Buffer.from(pdfBytes))).toBe(true);
  });

  it('when one customer signs, then the body is ESIGN, IN_PROCESS, with the key as externalId, reminders and expiry', async () => {
    const { agreementId, created } = await w.esign.createAgreement(
      contract({ reminderFrequency: 'DAILY_UNTIL_SIGNED', expiresAt: new Date('2027-01-24T00:00:00Z'), message: 'Firme su contrato' }),
    );
    expect(created).toBe(true);
    const [transientDocumentId] = w.fake.transientDocuments.keys();
    expect(w.fake.agreements.get(agreementId)?.body).toEqual({
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
    const { agreementId } = await w.esign.createAgreement(contract({ signingSteps: steps }));
    const sets = w.fake.agreements.get(agreementId)?.body.participantSetsInfo as { memberInfos: { email: string }[]; order: number }[];
    expect(sets.map((s) => [s.memberInfos[0]?.email, s.order])).toEqual([
      ['customer@example.com', 1],
      ['tech-0001@provider.example', 2],
      ['store-0042@ahs.example', 3],
    ]);
  });

  it('when two signers sign in parallel, then each has its own set with the same order', async () => {
    const steps = [[{ email: 'provider@example.com' }, { email: 'co-owner@example.com' }], [{ email: 'ahs@ahs.example', role: 'APPROVER' as const }]];
    const { agreementId } = await w.esign.createAgreement(contract({ signingSteps: steps }));
    expect(w.fake.agreements.get(agreementId)?.body.participantSetsInfo).toEqual([
      { memberInfos: [{ email: 'provider@example.com' }], order: 1, role: 'SIGNER' },
      { memberInfos: [{ email: 'co-owner@example.com' }], order: 1, role: 'SIGNER' },
      { memberInfos: [{ email: 'ahs@ahs.example' }], order: 2, role: 'APPROVER' },
    ]);
  });

  it('when the caller asks for phone authentication, then the member carries PHONE with its phoneInfo; without it, none', async () => {
    const authentication = { method: 'PHONE' as const, countryCode: '+34', phone: '612345678' };
    const { agreementId } = await w.esign.createAgreement(
      contract({ signingSteps: [[{ email: 'maria.nunez@example.com', authentication }, { email: 'other@example.com' }]] }),
    );
    const sets = w.fake.agreements.get(agreementId)?.body.participantSetsInfo as { memberInfos: unknown[] }[];
    expect(sets[0]?.memberInfos).toEqual([
      { email: 'maria.nunez@example.com', securityOption: { authenticationMethod: 'PHONE', phoneInfo: { countryCode: '+34', phone: '612345678' } } },
    ]);
    expect(sets[1]?.memberInfos).toEqual([{ email: 'other@example.com' }]);
  });

  it('when a step has no signer, then nothing is sent to Adobe', async () => {
    await expect(w.esign.createAgreement(contract({ signingSteps: [[{ email: 'a@example.com' }], []] }))).rejects.toBeInstanceOf(RangeError);
    expect(w.fake.transientDocuments.size).toBe(0);
    expect(w.fake.agreements.size).toBe(0);
  });

  it('when Adobe refuses the body, then a permanent error carries its code', async () => {
    const error = await w.esign.createAgreement(contract({ signingSteps: [[{ email: 'not-an-email' }]] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ESignRejectedError);
    expect(error).toMatchObject({ status: 400, code: 'INVALID_ARGUMENTS', reason: 'INVALID_ARGUMENTS', kind: 'permanent' });
  });
});
