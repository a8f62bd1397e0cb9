import type { CreatedAgreement, ESignature, NewAgreement } from './types';

/**
 * Where the caller keeps the agreement id of each key, in its own database (for the contract
 * workflow: the `contracts` schema, keyed by contract id with a unique constraint).
 */
export interface AgreementRecords {
  find(key: string): Promise<string | undefined>;
  /** Keeps the first id recorded for a key; recording the same pair again changes nothing. */
  record(key: string, agreementId: string): Promise<void>;
}

/**
 * Creates the agreement of `input.key` at most once: the caller's record answers first (no call
 * to Adobe), then Adobe's own list by `externalId` (`ESignature.createAgreement`), and whatever
 * is found or created is recorded. What neither can see: a first attempt whose creation answer
 * was lost and that Adobe does not list yet, or two attempts for the same key at the same time;
 * run one job per key at a time (a workflow task does) to keep it that way.
 */
export async function createAgreementOnce(esign: ESignature, records: AgreementRecords, input: NewAgreement): Promise<CreatedAgreement> {
  const recorded = await records.find(input.key);
  if (recorded !== undefined) return { agreementId: recorded, created: false };
  const result = await esign.createAgreement(input);
  await records.record(input.key, result.agreementId);
  return result;
}
