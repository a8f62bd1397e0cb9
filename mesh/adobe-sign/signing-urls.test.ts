import { describe, expect, it } from 'vitest';
import { ESignConflictError, ESignUnavailableError } from '../../shared/esign';
import { setChaos, signAsParticipant, signingLinks } from './client';
import { newAgreement, useSandboxWorld } from './testing';

const w = useSandboxWorld();

const CUSTOMER = 'maria.nunez@example.com';
const TECHNICIAN = 'tech-0001@example.com';

/** `GET /api/rest/v6/agreements/{id}/signingUrls` as the API application asks it, answered raw. */
async function rawSigningUrls(agreementId: string): Promise<{ status: number; body: unknown }> {
  const { clientId, clientSecret, refreshToken } = w.sandbox.credentials;
  const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken });
  const { access_token } = (await (await fetch(`${w.sandbox.url}/oauth/v2/refresh`, { method: 'POST', body: form })).json()) as { access_token: string };
  const response = await fetch(`${w.sandbox.url}/api/rest/v6/agreements/${agreementId}/signingUrls`, { headers: { authorization: `Bearer ${access_token}` } });
  return { status: response.status, body: await response.json() };
}

describe('the Adobe Sign sandbox: signing URLs for in-person signing', () => {
  it('when the customer is the current signer, then their URL is the sandbox signing page the email links to, and the technician has none yet', async () => {
    const { agreementId } = await w.esign.createAgreement(await newAgreement());
    const [emailed] = await signingLinks(w.sandbox.url, agreementId);
    expect(await w.esign.signingUrl(agreementId, CUSTOMER)).toBe(emailed?.link);
    expect(await w.esign.signingUrl(agreementId, 'Maria.Nunez@Example.com')).toBe(emailed?.link);
    expect(await w.esign.signingUrl(agreementId, TECHNICIAN)).toBeUndefined();
    expect(await rawSigningUrls(agreementId)).toEqual({
      status: 200,
      body: { signingUrlSetInfos: [{ signingUrls: [{ email: CUSTOMER, esignUrl: emailed?.link }] }] },
    });
  });

  it('when the customer signs on that page, then the technician gets theirs and the customer none; once all signed, a URL is a conflict', async () => {
    const { agreementId } = await w.esign.createAgreement(await newAgreement());
    const customer = await w.esign.signingUrl(agreementId, CUSTOMER);
    expect((await signAsParticipant(w.sandbox.url, customer!)).participantStatus).toBe('COMPLETED');
    const technician = await w.esign.signingUrl(agreementId, TECHNICIAN);
    expect(technician).toMatch(new RegExp(`^${w.sandbox.url}/sign/`));
    expect(technician).not.toBe(customer);
    expect(await w.esign.signingUrl(agreementId, CUSTOMER)).toBeUndefined();
    expect((await signAsParticipant(w.sandbox.url, technician!)).agreementStatus).toBe('SIGNED');
    await expect(w.esign.signingUrl(agreementId, TECHNICIAN)).rejects.toMatchObject({ agreementStatus: 'SIGNED', reason: 'agreement-not-signable' });
  });

  it('when the agreement is cancelled, then Adobe answers AGREEMENT_NOT_SIGNABLE and the adapter a conflict', async () => {
    const { agreementId } = await w.esign.createAgreement(await newAgreement());
    await w.esign.recall(agreementId, { comment: 'order cancelled', notifyOthers: false });
    expect(await rawSigningUrls(agreementId)).toMatchObject({ status: 404, body: { code: 'AGREEMENT_NOT_SIGNABLE' } });
    const error = await w.esign.signingUrl(agreementId, CUSTOMER).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ESignConflictError);
    expect(error).toMatchObject({ agreementStatus: 'CANCELLED' });
  });

  it('when the agreement has expired, then Adobe answers AGREEMENT_EXPIRED and the adapter a conflict', async () => {
    const { agreementId } = await w.esign.createAgreement(await newAgreement());
    w.sandbox.agreements.expire(w.sandbox.state.agreement(agreementId)!);
    expect(await rawSigningUrls(agreementId)).toMatchObject({ status: 404, body: { code: 'AGREEMENT_EXPIRED' } });
    await expect(w.esign.signingUrl(agreementId, CUSTOMER)).rejects.toMatchObject({ agreementStatus: 'EXPIRED', kind: 'conflict' });
  });

  it('when chaos says the new agreement is not exposed yet, then the adapter gets a retryable error, and the next ask the URL', async () => {
    const { agreementId } = await w.esign.createAgreement(await newAgreement());
    await setChaos(w.sandbox.url, { notExposed: 1 });
    const error = await w.esign.signingUrl(agreementId, CUSTOMER).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ESignUnavailableError);
    expect(error).toMatchObject({ status: 404, code: 'AGREEMENT_NOT_EXPOSED' });
    expect(await w.esign.signingUrl(agreementId, CUSTOMER)).toMatch(/\/sign\//);
  });
});
