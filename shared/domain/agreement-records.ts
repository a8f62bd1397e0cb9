import type { Queryable } from '../db';
import type { AgreementRecords } from '../esign';

/** What an e-signature agreement is for: the pre-service contract, or a Work Closing Form. */
export type AgreementOwner = { serviceOrderId: string } & ({ contractId: string } | { wcfFormId: string });

/**
 * Where the agreements of contracts and WCF forms are recorded: contracts.agreements, the one
 * table esign-notifications reads a webhook's agreement from — keyed by the agreement's key
 * (createAgreementOnce), the first id recorded for a key kept.
 */
export function agreementRecords(tx: Queryable, owner: AgreementOwner): AgreementRecords {
  return {
    async find(key) {
      const { rows } = await tx.query<{ agreement_id: string }>('SELECT agreement_id FROM contracts.agreements WHERE contract_key = $1', [key]);
      return rows[0]?.agreement_id;
    },
    async record(key, agreementId) {
      await tx.query(
        `INSERT INTO contracts.agreements (agreement_id, contract_key, service_order_id, contract_id, wcf_form_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING`,
        [agreementId, key, owner.serviceOrderId, 'contractId' in owner ? owner.contractId : null, 'wcfFormId' in owner ? owner.wcfFormId : null],
      );
    },
  };
}
