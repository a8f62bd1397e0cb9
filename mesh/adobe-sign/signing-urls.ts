import { signingPath } from './agreements';
import type { Answer } from './api';
import { activeOrder, IN_FLIGHT, type SandboxAgreement } from './state';

const notWaiting = (code: string, message: string): Answer => ({ status: 404, body: { code, message } });

/**
 * `GET /agreements/{id}/signingUrls` as Adobe answers it: the URLs of the current step's
 * participants still to act (`{signingUrlSetInfos: [{signingUrls: [{email, esignUrl}]}]}`, one
 * set per participant set), each the sandbox's own signing page of that participant
 * (`{origin}/sign/{token}`, the page the emailed link opens, where they sign in person). Nobody
 * waiting: Adobe's 404, AGREEMENT_EXPIRED for an expired agreement, AGREEMENT_NOT_SIGNABLE for a
 * signed or cancelled one.
 */
export function signingUrls(agreement: SandboxAgreement, origin: string): Answer {
  if (agreement.status === 'EXPIRED') return notWaiting('AGREEMENT_EXPIRED', 'The agreement has expired');
  const order = activeOrder(agreement);
  if (!IN_FLIGHT(agreement.status) || order === undefined) {
    return notWaiting('AGREEMENT_NOT_SIGNABLE', 'The agreement is not currently waiting for anyone to sign it.');
  }
  const signingUrlSetInfos = agreement.participantSets
    .filter((set) => set.order === order && set.members.some((m) => m.status !== 'COMPLETED'))
    .map((set) => ({
      signingUrls: set.members.filter((m) => m.status !== 'COMPLETED').map((m) => ({ email: m.email, esignUrl: `${origin}${signingPath(m.token)}` })),
    }));
  return { status: 200, body: { signingUrlSetInfos } };
}
