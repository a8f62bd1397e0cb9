import { describe, expect, it } from 'vitest';
import { ESignRejectedError } from './errors';
import { contract, useAdobeSignWorld } from './testing-adapter';
import { agreementEvents, authenticationMethods } from './wire';

const w = useAdobeSignWorld();

describe('AdobeSign: the audit trail as data (agreementEvents)', () => {
  it('when a PHONE-authenticated customer signs, then the events say who signed, when, from which IP and authenticated how', async () => {
    const { agreementId } = await w.esign.createAgreement(
      contract({
        signingSteps: [
          [{ email: 'Maria.Nunez@example.com', authentication: { method: 'PHONE', countryCode: '+34', phone: '600111222' } }],
          [{ email: 'store@example.com' }],
        ],
      }),
    );
    w.now += 60_000;
    w.fake.recordEvent(agreementId, {
      type: 'ACTION_COMPLETED',
      actingUserEmail: 'maria.nunez@example.com',
      participantEmail: 'maria.nunez@example.com',
      actingUserIpAddress: '203.0.113.7',
      description: 'Document e-signed by maria.nunez@example.com',
    });
    w.now += 60_000;
    w.fake.recordEvent(agreementId, {
      type: 'ACTION_COMPLETED',
      actingUserEmail: 'store@example.com',
      participantEmail: 'store@example.com',
      actingUserIpAddress: '198.51.100.2',
    });

    const events = await w.esign.agreementEvents(agreementId);
    expect(events).toEqual([
      { type: 'CREATED', at: new Date('2027-01-10T09:00:00Z'), description: 'Document created' },
      {
        type: 'ACTION_COMPLETED',
        at: new Date('2027-01-10T09:01:00Z'),
        actorEmail: 'maria.nunez@example.com',
        participantEmail: 'maria.nunez@example.com',
        ipAddress: '203.0.113.7',
        authenticationMethod: 'PHONE',
        description: 'Document e-signed by maria.nunez@example.com',
      },
      {
        type: 'ACTION_COMPLETED',
        at: new Date('2027-01-10T09:02:00Z'),
        actorEmail: 'store@example.com',
        participantEmail: 'store@example.com',
        ipAddress: '198.51.100.2',
        authenticationMethod: 'NONE',
      },
    ]);
    expect(w.fake.requests.map((r) => r.path).filter((p) => p.endsWith('/events') || p.endsWith('/members'))).toHaveLength(2);
  });

  it('when the agreement is recalled, then the recall and its comment are in the events', async () => {
    const { agreementId } = await w.esign.createAgreement(contract());
    await w.esign.recall(agreementId, { comment: 'order cancelled', notifyOthers: false });
    expect((await w.esign.agreementEvents(agreementId)).at(-1)).toMatchObject({ type: 'RECALLED', comment: 'order cancelled' });
  });

  it('when the agreement is unknown, then it is the permanent 404', async () => {
    await expect(w.esign.agreementEvents('CBJCHBCAABAAnope')).rejects.toBeInstanceOf(ESignRejectedError);
  });
});

describe('agreementEvents (wire)', () => {
  it('when Adobe answers events out of order, with unknown fields, or without a type or date, then they are sorted and the unreadable ones left out', () => {
    const methods = authenticationMethods({
      participantSets: [{ memberInfos: [{ email: 'a@example.com', securityOption: { authenticationMethod: 'PHONE' } }] }],
    });
    const events = agreementEvents(
      {
        events: [
          { type: 'ACTION_COMPLETED', date: '2026-12-05T10:00:00Z', participantEmail: 'A@example.com', deviceLocation: { latitude: 1 } },
          { type: 'CREATED', date: '2026-12-05T09:00:00Z', actingUserEmail: 'sender@example.com' },
          { date: '2026-12-05T09:30:00Z' },
          { type: 'EMAIL_VIEWED', date: 'yesterday' },
        ],
      },
      methods,
    );
    expect(events.map((e) => [e.type, e.authenticationMethod])).toEqual([
      ['CREATED', undefined],
      ['ACTION_COMPLETED', 'PHONE'],
    ]);
    expect(agreementEvents({}, new Map())).toEqual([]);
  });
});
