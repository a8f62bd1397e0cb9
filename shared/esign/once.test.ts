import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdobeSign } from './adobe-sign';
import { createAgreementOnce, type AgreementRecords } from './once';
import { FakeAdobeSign } from './testing';
import { AccessTokens } from './tokens';
import type { NewAgreement } from './types';

let fake: FakeAdobeSign;
let esign: AdobeSign;

beforeEach(async () => {
  fake = await FakeAdobeSign.start();
  const tokens = new AccessTokens({
    oauthHost: fake.url,
    clientId: 'fake-client-id',
    clientSecret: 'fake-client-secret',
    refreshToken: 'fake-refresh-token',
    timeoutMs: 2000,
  });
  esign = new AdobeSign({ apiHost: fake.url, tokens, timeoutMs: 2000 });
});
afterEach(() => fake.close());

const records = (): AgreementRecords & { rows: Map<string, string> } => {
  const rows = new Map<string, string>();
  return {
    rows,
    find: async (key) => rows.get(key),
    record: async (key, id) => {
      if (!rows.has(key)) rows.set(key, id);
    },
  };
};
const input: NewAgreement = {
  key: 'contract-0042',
  name: 'Contrat de service FR-LYO-0007',
  document: { bytes: new TextEncoder().encode('%PDF-1.7\n%%EOF\n'), fileName: 'contrat.pdf' },
  signingSteps: [[{ email: 'francois.leclerc@example.fr' }]],
};

describe('createAgreementOnce', () => {
  it('when nothing is recorded, then the agreement is created and its id recorded under the key', async () => {
    const store = records();
    const result = await createAgreementOnce(esign, store, input);
    expect(result.created).toBe(true);
    expect(store.rows.get('contract-0042')).toBe(result.agreementId);
    expect(fake.agreements.size).toBe(1);
  });

  it('when the key is recorded, then the recorded id is answered and Adobe is not called at all', async () => {
    const store = records();
    store.rows.set('contract-0042', 'CBJCHBCAABAArecorded');
    expect(await createAgreementOnce(esign, store, input)).toEqual({ agreementId: 'CBJCHBCAABAArecorded', created: false });
    expect(fake.requests).toEqual([]);
  });

  it('when Adobe has it but the record was lost (a crash before recording), then it is found by key and recorded, not sent again', async () => {
    const first = await esign.createAgreement(input);
    const store = records();
    expect(await createAgreementOnce(esign, store, input)).toEqual({ agreementId: first.agreementId, created: false });
    expect(store.rows.get('contract-0042')).toBe(first.agreementId);
    expect(fake.agreements.size).toBe(1);
  });
});
