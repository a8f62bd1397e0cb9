import { adobeError as error, type FakeAnswer } from './testing-requests';

/**
 * How FakeAdobeSign (testing.ts) runs the signing itself, as Adobe does: the participant sets
 * sign by `order` (the sets of one order in parallel, one member signing for their set), and
 * `GET /agreements/{id}/signingUrls` answers the URLs of the current sets' members only, or
 * Adobe's 404 once nobody is waiting to sign. Test support only.
 */
export interface SignableAgreement {
  id: string;
  body: Record<string, unknown>;
  status: string;
  /** Who signed, lower-cased, in order (FakeAdobeSign.sign). */
  signedBy?: string[];
}

interface SetBody {
  memberInfos: { email: string }[];
  order: number;
}

const waiting = (status: string) => /^(OUT_FOR_|WAITING_FOR_)/.test(status);

function sets(a: SignableAgreement): SetBody[] {
  return (a.body.participantSetsInfo ?? []) as SetBody[];
}

/** The sets whose turn it is: those of the lowest order none of whose members has signed yet. */
export function currentSets(a: SignableAgreement): SetBody[] {
  const pending = sets(a).filter((set) => !set.memberInfos.some((m) => a.signedBy?.includes(m.email.toLowerCase())));
  if (pending.length === 0) return [];
  const order = Math.min(...pending.map((set) => set.order));
  return pending.filter((set) => set.order === order);
}

/** `GET /agreements/{id}/signingUrls`, each URL an `apiesign` page of `origin`, as Adobe's. */
export function signingUrlsAnswer(a: SignableAgreement, origin: string): FakeAnswer {
  if (a.status === 'EXPIRED') return error(404, 'AGREEMENT_EXPIRED', 'The agreement has expired');
  if (!waiting(a.status)) return error(404, 'AGREEMENT_NOT_SIGNABLE', 'The agreement is not currently waiting for anyone to sign it.');
  const signingUrlSetInfos = currentSets(a).map((set) => ({
    signingUrls: set.memberInfos.map((m) => ({ email: m.email, esignUrl: `${origin}/public/apiesign?pid=${pid(a.id, m.email)}` })),
  }));
  return { status: 200, body: { signingUrlSetInfos } };
}

/** `email` signs; a programming error of the test when it is not their turn. The last signature makes it SIGNED. */
export function signAs(a: SignableAgreement, email: string): string {
  if (!waiting(a.status)) throw new Error(`agreement ${a.id} is ${a.status}: nobody can sign it`);
  const wanted = email.toLowerCase();
  const member = currentSets(a)
    .flatMap((set) => set.memberInfos)
    .find((m) => m.email.toLowerCase() === wanted);
  if (!member) throw new Error(`it is not the turn of ${email} on agreement ${a.id}`);
  (a.signedBy ??= []).push(wanted);
  if (currentSets(a).length === 0) a.status = 'SIGNED';
  return member.email;
}

const pid = (agreementId: string, email: string) => `CBFCIBAA${Buffer.from(`${agreementId}:${email.toLowerCase()}`).toString('base64url')}`;
