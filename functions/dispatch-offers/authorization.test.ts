import { describe, expect, it } from 'vitest';
import { DEV_PROVIDER_ID, type DevUserName } from '../../mesh/oidc/users';
import { offerRow, seedAssignment, seedOffer, startDispatchOffersHarness, TECH_0001 } from './testing';

const { db, sell, call, messagesFor, url } = await startDispatchOffersHarness();

/** Provider 1111's open offer and live assignment, on two orders. */
async function provider1111Work() {
  const [a, b] = [await sell(), await sell()];
  const offerId = await seedOffer(db, a.id, { providerId: DEV_PROVIDER_ID });
  const assignmentId = await seedAssignment(db, b.id, { providerId: DEV_PROVIDER_ID });
  return { offerOrder: a.id, offerId, assignmentOrder: b.id, assignmentId };
}
const listed = async (user: DevUserName, path: string, key: string, id: string) =>
  ((await call('GET', path, user)).body[key] as Record<string, unknown>[]).some((x) => Object.values(x).includes(id));

describe('dispatch-offers authorization matrix', () => {
  it.each(['provider-admin-b', 'technician-b', 'provider-admin-fr', 'technician-fr'] as const)(
    "when %s (another provider) reads, accepts, declines or withdraws provider 1111's work, then it is invisible (404) and nothing changes",
    async (user) => {
      const w = await provider1111Work();
      expect(await listed(user, '/offers', 'offers', w.offerId)).toBe(false);
      expect(await listed(user, '/assignments', 'assignments', w.assignmentId)).toBe(false);
      const decline = await call('POST', `/offers/${w.offerId}/decline`, user, { reasonCode: 'OTHER' });
      expect(decline.status).toBe(404);
      if (user.startsWith('provider-admin')) {
        expect((await call('POST', `/offers/${w.offerId}/accept`, user)).status).toBe(404);
        expect((await call('POST', `/assignments/${w.assignmentId}/withdraw`, user, { reasonCode: 'OTHER' })).status).toBe(404);
        expect((await call('PUT', `/assignments/${w.assignmentId}/technician`, user, { technicianId: TECH_0001 })).status).toBe(404);
      } else {
        expect((await call('POST', `/offers/${w.offerId}/accept`, user)).status).toBe(403);
      }
      expect((await offerRow(db, w.offerId))?.status).toBe('open');
      expect(await messagesFor(w.offerOrder)).toEqual([]);
      expect(await messagesFor(w.assignmentOrder)).toEqual([]);
    },
  );

  it("when provider 1111's own technician tries to accept, withdraw or assign, then 403; they may read", async () => {
    const w = await provider1111Work();
    expect(await call('POST', `/offers/${w.offerId}/accept`, 'technician')).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect((await call('POST', `/assignments/${w.assignmentId}/withdraw`, 'technician', { reasonCode: 'OTHER' })).status).toBe(403);
    expect((await call('PUT', `/assignments/${w.assignmentId}/technician`, 'technician', { technicianId: TECH_0001 })).status).toBe(403);
    expect(await listed('technician', '/offers', 'offers', w.offerId)).toBe(true);
    expect(await listed('technician', '/assignments', 'assignments', w.assignmentId)).toBe(true);
    expect((await offerRow(db, w.offerId))?.status).toBe('open');
  });

  it.each(['operator-fr', 'operator-es', 'admin'] as const)(
    'when %s (office staff) calls any route, then 403: operators dispatch by hand through operator-tasks',
    async (user) => {
      const w = await provider1111Work();
      expect((await call('GET', '/offers', user)).status).toBe(403);
      expect((await call('GET', '/assignments', user)).status).toBe(403);
      expect((await call('POST', `/offers/${w.offerId}/accept`, user)).status).toBe(403);
      expect((await call('POST', `/offers/${w.offerId}/decline`, user, { reasonCode: 'OTHER' })).status).toBe(403);
      expect((await call('POST', `/assignments/${w.assignmentId}/withdraw`, user, { reasonCode: 'OTHER' })).status).toBe(403);
      expect((await call('PUT', `/assignments/${w.assignmentId}/technician`, user, { technicianId: TECH_0001 })).status).toBe(403);
      expect((await offerRow(db, w.offerId))?.status).toBe('open');
    },
  );

  it('when there is no token, then 401 and nothing changes', async () => {
    const w = await provider1111Work();
    const response = await fetch(`${url}/offers/${w.offerId}/accept`, { method: 'POST', headers: { 'idempotency-key': 'app-no-token-1' } });
    expect(response.status).toBe(401);
    expect((await offerRow(db, w.offerId))?.status).toBe('open');
  });
});
