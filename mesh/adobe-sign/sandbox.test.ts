import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { ESignConflictError, ESignUnavailableError } from '../../shared/esign';
import { declineAsParticipant, sandboxMessages, setChaos, signAsParticipant, signingLinks } from './client';
import { startAdobeSignSandbox } from './server';
import { newAgreement, useSandboxWorld } from './testing';

const w = useSandboxWorld();

/** The signing link the sandbox emailed to `to` for the agreement. */
async function linkOf(agreementId: string, to: string): Promise<string> {
  const found = (await signingLinks(w.sandbox.url, agreementId)).find((l) => l.to === to);
  if (!found) throw new Error(`no link for ${to}`);
  return found.link;
}

describe('the Adobe Sign sandbox, driven by the production adapter', () => {
  it('when an agreement with sequential signers is created twice with one key, then one agreement exists and only the first signer is emailed', async () => {
    const input = await newAgreement();
    const first = await w.esign.createAgreement(input);
    expect(first.created).toBe(true);
    expect(await w.esign.createAgreement(input)).toEqual({ agreementId: first.agreementId, created: false });
    expect(await w.esign.getAgreement(first.agreementId)).toEqual({
      agreementId: first.agreementId,
      name: input.name,
      status: 'OUT_FOR_SIGNATURE',
      key: input.key,
    });
    expect((await signingLinks(w.sandbox.url, first.agreementId)).map((l) => l.to)).toEqual(['maria.nunez@example.com']);
    const stored = w.sandbox.state.agreement(first.agreementId)!;
    expect(stored.participantSets.map((s) => [s.order, s.members[0]?.securityOption?.authenticationMethod])).toEqual([
      [1, 'PHONE'],
      [2, undefined],
    ]);
  });

  it('when each signer signs through the page form in turn, then the agreement is SIGNED, the PDF has a signature page, and the events say who, when, IP and how', async () => {
    const { agreementId } = await w.esign.createAgreement(await newAgreement());
    const customer = await linkOf(agreementId, 'maria.nunez@example.com');
    expect(await signAsParticipant(w.sandbox.url, customer)).toEqual({ agreementId, agreementStatus: 'OUT_FOR_SIGNATURE', participantStatus: 'COMPLETED' });
    const sms = (await sandboxMessages(w.sandbox.url, { agreementId })).filter((m) => m.channel === 'sms');
    expect(sms).toHaveLength(1);
    expect(sms[0]?.to).toBe('+34 600111222');
    const technician = await linkOf(agreementId, 'tech-0001@example.com');
    expect((await signAsParticipant(w.sandbox.url, technician)).agreementStatus).toBe('SIGNED');
    expect((await w.esign.getAgreement(agreementId)).status).toBe('SIGNED');

    const signed = await PDFDocument.load(await w.esign.signedDocument(agreementId));
    expect(signed.getPageCount()).toBe(2);
    const audit = await w.esign.auditTrail(agreementId);
    expect(new TextDecoder().decode(audit.slice(0, 5))).toBe('%PDF-');
    const events = await w.esign.agreementEvents(agreementId);
    expect(events.map((e) => e.type)).toEqual(['CREATED', 'SIGNATURE_REQUESTED', 'ACTION_COMPLETED', 'SIGNATURE_REQUESTED', 'ACTION_COMPLETED']);
    expect(events.filter((e) => e.type === 'ACTION_COMPLETED')).toMatchObject([
      { actorEmail: 'maria.nunez@example.com', ipAddress: '127.0.0.1', authenticationMethod: 'PHONE' },
      { actorEmail: 'tech-0001@example.com', ipAddress: '127.0.0.1', authenticationMethod: 'NONE' },
    ]);
  });

  it('when the wrong one-time code is given, or the second signer acts before the first, then the form refuses and nothing is signed', async () => {
    const { agreementId } = await w.esign.createAgreement(await newAgreement());
    const customer = await linkOf(agreementId, 'maria.nunez@example.com');
    const answer = await fetch(customer, { method: 'POST', headers: { accept: 'application/json' }, body: new URLSearchParams({ action: 'sign', code: 'x' }) });
    expect(answer.status).toBe(403);
    const page = await (await fetch(customer)).text();
    expect(page).toContain('one-time code');
    expect(page).toContain(`/sign/${customer.split('/').at(-1)}/document`);
    const technicianToken = w.sandbox.state.agreement(agreementId)!.participantSets[1]!.members[0]!.token;
    await expect(signAsParticipant(w.sandbox.url, `${w.sandbox.url}/sign/${technicianToken}`)).rejects.toThrow(/NOT_YOUR_TURN/);
    expect((await w.esign.getAgreement(agreementId)).status).toBe('OUT_FOR_SIGNATURE');
  });

  it('when the customer declines with a reason, then the agreement is cancelled and the reason is in the events', async () => {
    const { agreementId } = await w.esign.createAgreement(await newAgreement());
    await declineAsParticipant(await linkOf(agreementId, 'maria.nunez@example.com'), 'wrong price');
    expect((await w.esign.getAgreement(agreementId)).status).toBe('CANCELLED');
    expect((await w.esign.agreementEvents(agreementId)).at(-1)).toMatchObject({ type: 'REJECTED', comment: 'wrong price' });
  });

  it('when an agreement out for signature is recalled, then it is CANCELLED; a signed one is refused as a conflict', async () => {
    const { agreementId } = await w.esign.createAgreement(await newAgreement({ signingSteps: [[{ email: 'a@example.com' }]] }));
    await w.esign.recall(agreementId, { comment: 'order cancelled', notifyOthers: true });
    expect((await w.esign.getAgreement(agreementId)).status).toBe('CANCELLED');
    expect((await sandboxMessages(w.sandbox.url, { agreementId })).at(-1)?.subject).toMatch(/^Cancelled/);

    const other = await w.esign.createAgreement(await newAgreement({ signingSteps: [[{ email: 'b@example.com' }]] }));
    await signAsParticipant(w.sandbox.url, await linkOf(other.agreementId, 'b@example.com'));
    const error = await w.esign.recall(other.agreementId, { comment: 'too late', notifyOthers: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ESignConflictError);
    expect(error).toMatchObject({ agreementStatus: 'SIGNED' });
  });

  it('when the sandbox throttles, then the adapter gets a retryable error with retryAfter, and the call after it succeeds', async () => {
    const { agreementId } = await w.esign.createAgreement(await newAgreement());
    await setChaos(w.sandbox.url, { throttle: { count: 1, retryAfterSeconds: 7 } });
    const error = await w.esign.getAgreement(agreementId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ESignUnavailableError);
    expect(error).toMatchObject({ status: 429, code: 'THROTTLING_TOO_MANY_REQUESTS', retryAfterMs: 7000 });
    expect((await w.esign.getAgreement(agreementId)).status).toBe('OUT_FOR_SIGNATURE');
  });

  it('when the sandbox restarts on its state file, then agreements, links and credentials are kept, and old access tokens are refused then refreshed', async () => {
    const { agreementId } = await w.esign.createAgreement(await newAgreement({ signingSteps: [[{ email: 'c@example.com' }]] }));
    const link = await linkOf(agreementId, 'c@example.com');
    await w.restart();
    expect((await w.esign.getAgreement(agreementId)).status).toBe('OUT_FOR_SIGNATURE');
    expect((await signAsParticipant(w.sandbox.url, link)).agreementStatus).toBe('SIGNED');
  });

  it('when an access token has outlived expires_in, or the refresh token is wrong, then the OAuth and 401 answers are as Adobe gives them', async () => {
    const sandbox = await startAdobeSignSandbox({ tokenLifetimeSeconds: 1 });
    try {
      const { credentials, url } = sandbox;
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
        refresh_token: 'x',
      });
      const refused = await fetch(`${url}/oauth/v2/refresh`, { method: 'POST', body: form });
      expect([refused.status, await refused.json()]).toEqual([400, { error: 'invalid_grant', error_description: 'Invalid refresh token' }]);
      form.set('refresh_token', credentials.refreshToken);
      const token = (await (await fetch(`${url}/oauth/v2/refresh`, { method: 'POST', body: form })).json()) as { access_token: string; expires_in: number };
      expect(token.expires_in).toBe(1);
      const baseUris = () => fetch(`${url}/api/rest/v6/baseUris`, { headers: { authorization: `Bearer ${token.access_token}` } });
      expect(await (await baseUris()).json()).toEqual({ apiAccessPoint: `${url}/`, webAccessPoint: `${url}/` });
      await new Promise((r) => setTimeout(r, 1050));
      const expired = await baseUris();
      expect([expired.status, await expired.json()]).toMatchObject([401, { code: 'INVALID_ACCESS_TOKEN' }]);
    } finally {
      await sandbox.close();
    }
  });
});
