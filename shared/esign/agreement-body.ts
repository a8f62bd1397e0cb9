import type { NewAgreement, Signer } from './types';

/** Adobe Sign REST v6 `AgreementInfo`, the part this adapter sends. */
export interface AgreementInfoBody {
  fileInfos: { transientDocumentId: string }[];
  name: string;
  participantSetsInfo: ParticipantSetInfo[];
  signatureType: 'ESIGN';
  state: 'IN_PROCESS';
  externalId: { id: string };
  message?: string;
  reminderFrequency?: string;
  expirationTime?: string;
}

export interface ParticipantSetInfo {
  memberInfos: { email: string; securityOption?: { authenticationMethod: 'PHONE'; phoneInfo: { countryCode: string; phone: string } } }[];
  order: number;
  role: 'SIGNER' | 'APPROVER';
}

/**
 * The `POST /agreements` body: one participant set per signer (a set with several members would
 * mean "any one of them signs"), the steps as orders 1, 2, 3..., so signers of one step share
 * their order and sign in parallel, and each step waits for the one before.
 */
export function agreementBody(input: NewAgreement, transientDocumentId: string): AgreementInfoBody {
  assertSigningSteps(input);
  return {
    fileInfos: [{ transientDocumentId }],
    name: input.name,
    participantSetsInfo: input.signingSteps.flatMap((step, index) => step.map((signer) => participantSet(signer, index + 1))),
    signatureType: 'ESIGN',
    state: 'IN_PROCESS',
    externalId: { id: input.key },
    ...(input.message === undefined ? {} : { message: input.message }),
    ...(input.reminderFrequency === undefined ? {} : { reminderFrequency: input.reminderFrequency }),
    ...(input.expiresAt === undefined ? {} : { expirationTime: input.expiresAt.toISOString() }),
  };
}

function participantSet(signer: Signer, order: number): ParticipantSetInfo {
  const auth = signer.authentication;
  const member = auth
    ? { email: signer.email, securityOption: { authenticationMethod: auth.method, phoneInfo: { countryCode: auth.countryCode, phone: auth.phone } } }
    : { email: signer.email };
  return { memberInfos: [member], order, role: signer.role ?? 'SIGNER' };
}

/** Refused before anything reaches Adobe: a programming error of the caller, not Adobe's 400. */
export function assertSigningSteps(input: Pick<NewAgreement, 'signingSteps'>): void {
  if (input.signingSteps.length === 0 || input.signingSteps.some((step) => step.length === 0)) {
    throw new RangeError('an agreement needs at least one signer in every signing step');
  }
}
